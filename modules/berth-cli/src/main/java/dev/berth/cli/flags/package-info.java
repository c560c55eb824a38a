/**
 * Parsing of command-line flags into Berth's values: {@code KEY=VALUE} lists, ports, sizes,
 * kinds, and the flags of {@code service create} into a {@link dev.berth.api.Service}. Pure code,
 * tested without a manager.
 */
package dev.berth.cli.flags;
