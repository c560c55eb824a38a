/**
 * The {@code berth} subcommands: {@code init}, {@code status}, {@code stop}, the kubectl-style
 * {@code apply}, {@code get}, {@code describe}, {@code delete}, the Swarm-style {@code service}
 * and {@code node} groups, and {@code completion}. Each is a thin layer over
 * {@link dev.berth.cli.client.ApiClient} and the pure printers of {@link dev.berth.cli.output}.
 */
package dev.berth.cli.commands;
