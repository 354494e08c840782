/**
 * Netty at the node's edge, shared by every layer that writes to a connection: the names and order
 * of every pipeline ({@link io.wildcloud.ws.edge.PipelineNames}), flushes put off to the end of
 * the event loop's iteration ({@link io.wildcloud.ws.edge.LoopFlushes}) and a batch's hand-offs
 * to the loops gathered into one task per loop ({@link io.wildcloud.ws.edge.LoopHandoffs}). It
 * imports nothing else of the project, so the SockJS layer, the push API, the engines and the
 * node may all use it.
 */
package io.wildcloud.ws.edge;
