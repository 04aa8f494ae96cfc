"""Drawing a pipeline graph to a PNG file with matplotlib."""

from __future__ import annotations

from pathlib import Path

import networkx as nx


def draw_graph(graph: nx.DiGraph, path: Path) -> Path:
    """Draw `graph` left to right, one column per depth, edges labelled where a node has several."""
    import matplotlib

    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt

    if graph.number_of_nodes() == 0:
        from hayrick.errors import PipelineValidationError

        raise PipelineValidationError("The pipeline is empty: add nodes before drawing it.")
    depth: dict[str, int] = {}
    for node in nx.topological_sort(graph):
        depth[node] = max((depth[p] + 1 for p in graph.predecessors(node)), default=0)
    layered = graph.copy()
    nx.set_node_attributes(layered, depth, "layer")
    pos = nx.multipartite_layout(layered, subset_key="layer")
    columns = max(depth.values()) + 1
    rows = max(list(depth.values()).count(d) for d in set(depth.values()))
    fig, ax = plt.subplots(figsize=(max(4.0, 2.6 * columns), max(3.0, 2.0 * rows)))
    labels = {
        n: n if graph.nodes[n].get("type_name") == "RootNode" else f"{n}\n({graph.nodes[n]['type_name']})"
        for n in graph.nodes
    }
    nx.draw_networkx_nodes(graph, pos, ax=ax, node_shape="s", node_size=3200, node_color="#dbe9f6", edgecolors="#3a6ea5")
    nx.draw_networkx_labels(graph, pos, labels=labels, ax=ax, font_size=8)
    nx.draw_networkx_edges(graph, pos, ax=ax, arrows=True, arrowsize=14, node_size=3200, node_shape="s")
    edge_labels = {
        (u, v): d["label"] for u, v, d in graph.edges(data=True) if graph.nodes[u].get("outgoing_edges", 1) > 1
    }
    if edge_labels:
        nx.draw_networkx_edge_labels(graph, pos, edge_labels=edge_labels, ax=ax, font_size=7)
    ax.set_axis_off()
    ax.margins(x=0.12, y=0.3)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path
