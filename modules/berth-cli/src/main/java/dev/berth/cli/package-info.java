/**
 * The {@code berth} command line: {@link dev.berth.cli.Main}, the top command
 * {@link dev.berth.cli.Berth} with its global options, the CLI's config file and the base class
 * of every subcommand.
 */
package dev.berth.cli;
