/**
 * The network controller: the cluster network's address management (Kubernetes' node IPAM and
 * endpoints controllers in one loop).
 *
 * <ul>
 *   <li>Every node without {@code spec.subnet} gets the lowest free subnet of the cluster's
 *       {@code spec.network.containerCidr} (prefix {@code nodeSubnetPrefix}); a subnet is free when
 *       no other node holds it, so a deleted node frees its subnet.</li>
 *   <li>Every service has one {@link dev.berth.api.Endpoints} object of the same name: its virtual
 *       IP (the lowest free address of {@code serviceCidr} from the third one on, kept for the
 *       service's life; none in dnsrr mode), its ports and the addresses of its running tasks.
 *       The Endpoints of a deleted service is deleted. Agents build DNS and kernel load balancing
 *       from these objects, so a task that starts or stops running shows up here within
 *       milliseconds.</li>
 * </ul>
 *
 * <p>The decisions are pure: {@link dev.berth.controllers.network.NetworkAllocator} picks free
 * subnets and addresses, {@link dev.berth.controllers.network.EndpointsPlanner} computes a
 * service's Endpoints. {@link dev.berth.controllers.network.NetworkController} reads the
 * informers' caches, applies those decisions to the store, and runs on a single worker so that
 * two allocations never race; what it wrote but the caches do not show yet stays reserved in
 * memory.
 */
package dev.berth.controllers.network;
