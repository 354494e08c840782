/**
 * Netty at the node's edge, shared by every layer that writes to a connection: the names and order
 * of every pipeline ({@link io.wildcloud.ws.edge.PipelineNames}) and flushes put off to the end of
 * the event loop's iteration ({@link io.wildcloud.ws.edge.LoopFlushes}). It imports nothing else
 * of the project, so the SockJS layer, the push API and the node may all use it.
 */
package io.wildcloud.ws.edge;
