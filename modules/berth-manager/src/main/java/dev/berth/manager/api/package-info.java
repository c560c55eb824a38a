/**
 * Berth's HTTP API (docs/api.md): {@link dev.berth.manager.api.ApiServer} routes requests with
 * Vert.x; {@link dev.berth.manager.api.ApiOperations} does the blocking store work behind them;
 * pure helpers ({@link dev.berth.manager.api.LabelSelector},
 * {@link dev.berth.manager.api.ObjectWrites}, {@link dev.berth.manager.api.PublishedPorts},
 * {@link dev.berth.manager.api.ApiErrors}) decide what is written and what errors say.
 */
package dev.berth.manager.api;
