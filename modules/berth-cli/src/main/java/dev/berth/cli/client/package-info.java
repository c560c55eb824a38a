/**
 * The CLI's one HTTP client for the Berth manager's API ({@code docs/api.md}): typed calls, watch
 * streams, and API errors turned into one-line messages.
 */
package dev.berth.cli.client;
