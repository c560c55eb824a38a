/**
 * Reading and writing Berth objects as YAML and JSON with one configured Jackson mapper: unknown
 * fields are rejected, durations and sizes are written like Docker writes them, and every error
 * names the field it is about.
 */
package dev.berth.api.codec;
