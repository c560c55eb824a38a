/**
 * The executor SPI: the small interfaces through which the task worker runs containers
 * ({@link dev.berth.agent.executor.Executor}, optional {@link dev.berth.agent.executor.LogSource}
 * and {@link dev.berth.agent.executor.StatsSource}), the values they exchange, the sealed
 * {@link dev.berth.agent.executor.ExecutorException} whose message becomes a task's error, and
 * the Docker implementation ({@link dev.berth.agent.executor.DockerExecutor}), with the seam
 * through which it links containers to the cluster network
 * ({@link dev.berth.agent.executor.NetworkPlumber}) and the entrypoint that makes a container wait
 * for that link ({@link dev.berth.agent.executor.EntrypointWrapper}), and the hosts, hostname and
 * resolv.conf the agent writes for such containers, which the engine's networking is disabled for
 * ({@code ContainerFiles}). Keeping Docker
 * behind these interfaces keeps it out of the worker's state machine, which is tested with a fake.
 */
package dev.berth.agent.executor;
