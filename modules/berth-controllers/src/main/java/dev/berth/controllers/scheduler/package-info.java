/**
 * The scheduler controller: plans every pending task against one snapshot of nodes and placed
 * tasks with {@link dev.berth.scheduler.Planner}, and writes the assignments (and the reasons of
 * rejections) in batched compare-and-swap transactions.
 */
package dev.berth.controllers.scheduler;
