/**
 * Rolling updates and rollbacks: {@link dev.berth.controllers.rollout.RolloutPlanner} decides
 * (purely) which outdated tasks to replace next and when a rollout completes, pauses or rolls back;
 * {@link dev.berth.controllers.rollout.RolloutController} runs it on the informers' caches;
 * {@link dev.berth.controllers.rollout.Revisions} records a service's revisions, shared with the
 * API server; {@link dev.berth.controllers.rollout.SpecDiff} says what changed between two.
 */
package dev.berth.controllers.rollout;
