/**
 * The recovery graph engine: operations as antecedence graphs of DO/UNDO {@link io.tandem.recovery.graph.Action}s,
 * run with bounded parallelism and backward error recovery after Courtright and Gibson (CMG 1994). On a failure,
 * dispatch stops, actions in flight finish, passed actions are undone in reverse order, resources are released,
 * and an {@link io.tandem.recovery.graph.ErrorHandler} chooses the graph for the new state, a bounded number of
 * times. Every action runs under a timeout.
 * <p>
 * Build a graph with {@link io.tandem.recovery.graph.AntecedenceGraph#builder(String)}; run it with
 * {@link io.tandem.recovery.graph.GraphEngine#run} or step a {@link io.tandem.recovery.graph.GraphRun} as an agent.
 */
package io.tandem.recovery.graph;
