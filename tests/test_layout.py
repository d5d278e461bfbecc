"""The package's layout: modules import each other without cycles, and the public surface is pinned."""

from __future__ import annotations

import ast
from pathlib import Path

import cleaner

PACKAGE = Path(cleaner.__file__).parent


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _top_level_imports(path: Path) -> set[str]:
    """Modules of cleaner imported when ``path`` is imported (not inside functions or TYPE_CHECKING)."""
    found = set()
    for node in ast.parse(path.read_text()).body:
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("cleaner"):
            found.add(node.module)
        elif isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.startswith("cleaner")}
    return found


def test_modules_import_each_other_without_cycles() -> None:
    graph = {_module_name(p): _top_level_imports(p) for p in PACKAGE.rglob("*.py")}
    # a package's __init__ re-exporting its own modules is not a cycle of the modules
    graph = {m: {d for d in deps if d in graph and not m.startswith(d + ".")} for m, deps in graph.items()}
    state: dict[str, str] = {}

    def visit(module: str, trail: list[str]) -> None:
        state[module] = "open"
        for dep in sorted(graph[module]):
            assert state.get(dep) != "open", "import cycle: " + " -> ".join([*trail, module, dep])
            if dep not in state:
                visit(dep, [*trail, module])
        state[module] = "done"

    for module in sorted(graph):
        if module not in state:
            visit(module, [])


def test_every_stage_source_sink_and_engine_has_its_folder() -> None:
    for folder in ("sources", "stages", "sinks", "engines", "rules", "tools"):
        assert (PACKAGE / folder / "__init__.py").is_file(), folder


def test_public_surface_is_importable_and_sorted_by_group() -> None:
    for name in cleaner.__all__:
        assert getattr(cleaner, name) is not None, name
