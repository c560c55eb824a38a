/**
 * How the CLI prints objects: aligned tables, ages, and the row of each kind. Pure functions of
 * objects and a time, tested without a manager.
 */
package dev.berth.cli.output;
