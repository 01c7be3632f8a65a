"""The import graph of the project has no circle: every area calls down into the layers
below it, and a lower layer never imports its callers (imports inside functions count)."""

from __future__ import annotations

import grimp

PACKAGES = ("paniers", "producers", "canteens", "routing")


def import_circles(graph: grimp.ImportGraph) -> list[list[str]]:
    """The groups of modules that import each other, directly or not (Tarjan's strongly
    connected components, iteratively)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    circles: list[list[str]] = []
    for root in sorted(graph.modules):
        if root in index:
            continue
        work = [(root, iter(sorted(graph.find_modules_directly_imported_by(root))))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            module, targets = work[-1]
            target = next(targets, None)
            if target is not None:
                if target not in index:
                    index[target] = low[target] = len(index)
                    stack.append(target)
                    on_stack.add(target)
                    work.append((target, iter(sorted(
                        graph.find_modules_directly_imported_by(target)))))
                elif target in on_stack:
                    low[module] = min(low[module], index[target])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[module])
            if low[module] == index[module]:
                group = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    group.append(member)
                    if member == module:
                        break
                if len(group) > 1:
                    circles.append(sorted(group))
    return circles


def test_the_finder_sees_a_circle_when_there_is_one():
    graph = grimp.ImportGraph()
    for module in ("shop", "shop.orders", "shop.payments", "shop.stock"):
        graph.add_module(module)
    graph.add_import(importer="shop.orders", imported="shop.payments")
    graph.add_import(importer="shop.payments", imported="shop.orders")
    graph.add_import(importer="shop.orders", imported="shop.stock")
    assert import_circles(graph) == [["shop.orders", "shop.payments"]]


def test_no_module_of_the_project_imports_its_own_callers():
    graph = grimp.build_graph(*PACKAGES)
    assert import_circles(graph) == []
