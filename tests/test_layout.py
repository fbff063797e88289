"""The house rules: imports run one way and start-up stays light (``.ci/run`` also imports every
module alone in a fresh interpreter).

The layers below are docs/layout.md's Layout; a module may import (at run time, at the top
or inside a function) only modules of its own layer or a lower one, and the imports within a layer
have no cycle. ``if TYPE_CHECKING:`` imports are for the type checker: they may name a type from a
higher layer, but they count for cycles (a cycle of types is a cycle of concepts).
"""

import ast
import subprocess
import sys
from fnmatch import fnmatch
from graphlib import CycleError, TopologicalSorter

import pytest

from .conftest import ROOT

# lowest first; a module belongs to the first layer with a matching pattern
LAYERS = [
    # foundations: no project imports but these
    [
        "wargame.errors",
        "wargame.params",
        "wargame.cells",
        "wargame.table_layout",
        "wargame.tables",
        "wargame.schema",
        "wargame.rundir",
        "wargame.memory",
    ],
    # maths on plain arrays
    [
        "wargame.axis",
        "wargame.baselines",
        "wargame.frontier",
        "wargame.beliefs",
        "wargame.decisions",
        "wargame.ratification",
        "wargame.solutions",
        "wargame.bdm",
        "wargame.actors_csv",
        "wargame.timeline",
        "wargame.measures",
        "wargame.prim",
        "wargame.payoffs",
        "agents.negotiator",
        "agents.view",
    ],
    # plug-ins and their registries: strategies and protocols (they see narrow views, not the model)
    ["agents.strategies*", "wargame.episode", "wargame.protocols*"],
    # the scenario schema, which takes the names it allows from the registries; what its dotted
    # paths name; the checks across its fields; loading and changing a scenario
    ["wargame.scenario_schema"],
    ["wargame.parameters"],
    ["wargame.scenario_checks"],
    ["wargame.scenario"],
    # what a scenario compiles to: payoffs, the issue space, events; distributions over parameters
    [
        "wargame.space",
        "wargame.events",
        "wargame.distributions",
        "agents.human",
        "wargame.tracks",
        "wargame.breakdowns",
        "wargame.collect",
    ],
    ["agents.government"],
    ["wargame.model"],
    # experiments and how results look
    [
        "wargame.design",
        "wargame.experiment",
        "wargame.executors",
        "wargame.run_options",
        "wargame.summary",
        "wargame.comparison",
        "wargame.report",
        "wargame.report_episode",
        "wargame.report_summary",
        "wargame.report_compare",
    ],
    [
        "wargame.plotting",
        "wargame.plots",
        "wargame.analysis_plots",
        "wargame.discovery_plots",
        "wargame.results",
        "wargame.worker",
        "wargame.chunks",
        "wargame.montecarlo",
        "wargame.sensitivity_indices",
    ],
    # the analyses; the tables of their results (which name their types)
    [
        "wargame.sensitivity",
        "wargame.sweep",
        "wargame.discovery",
        "wargame.calibration",
        "wargame.report_analysis",
        "wargame.classroom*",
    ],
    # the classroom server: sessions in browsers, the explorer
    ["wargame.web*"],
    ["wargame.cli*", "wargame.__main__"],
]


def _modules() -> dict[str, ast.Module]:
    out = {}
    for package in ("wargame", "agents"):
        for path in sorted((ROOT / package).rglob("*.py")):
            parts = path.relative_to(ROOT).with_suffix("").parts
            name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
            out[name] = ast.parse(path.read_text(), str(path))
    return out


def _layer(name: str) -> int:
    if name in ("wargame", "agents"):  # the package roots: lazy or empty
        return -1
    for i, patterns in enumerate(LAYERS):
        if any(fnmatch(name, p) for p in patterns):
            return i
    raise AssertionError(f"{name} is in no layer: add it to LAYERS and to docs/layout.md")


def _imports(tree: ast.Module, name: str, typing: bool = False) -> set[str]:
    """Project modules imported at run time (anywhere but under ``if TYPE_CHECKING:``), and with
    ``typing`` those under it too."""
    skip: set[int] = set()
    for node in ast.walk(tree):
        if not typing and isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            skip.update(id(n) for child in node.body for n in ast.walk(child))
    found = set()
    for node in ast.walk(tree):
        if id(node) in skip:
            continue
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            assert node.level == 0, f"{name}: use absolute imports"
            found.add(node.module or "")
            found.update(f"{node.module}.{a.name}" for a in node.names)  # a submodule, or a name
    return {m for m in found if m.split(".")[0] in ("wargame", "agents")}


MODULES = _modules()
ROOTS = ("wargame", "agents")
GRAPH = {
    name: {m for m in _imports(tree, name) if m in MODULES and m != name} for name, tree in MODULES.items()
}
# with the imports made only for the type checker (but for the package roots': they name the lazy
# public API, ``wargame.NegotiationModel`` and the like, and import nothing when run)
TYPE_GRAPH = {
    name: {m for m in _imports(tree, name, typing=name not in ROOTS) if m in MODULES and m != name}
    for name, tree in MODULES.items()
}


def test_every_module_has_a_layer():
    for name in MODULES:
        _layer(name)


@pytest.mark.parametrize("name", sorted(MODULES))
def test_imports_only_its_own_layer_or_lower(name):
    mine = _layer(name)
    above = sorted(m for m in GRAPH[name] if _layer(m) > mine)
    assert not above, f"{name} (layer {mine}) imports {above} from a higher layer"


@pytest.mark.parametrize("graph", [GRAPH, TYPE_GRAPH], ids=["run time", "type level"])
def test_no_import_cycles(graph):
    """No cycle among modules, not even through ``if TYPE_CHECKING:`` imports."""
    try:
        tuple(TopologicalSorter(graph).static_order())
    except CycleError as err:
        pytest.fail(f"import cycle: {' -> '.join(err.args[1])}")


def test_the_type_level_graph_is_checked():
    """The type-level graph really holds the ``if TYPE_CHECKING:`` imports (a check that could not
    see them would pass on any code)."""
    extra = sum(len(TYPE_GRAPH[n] - GRAPH[n]) for n in MODULES)
    assert extra > 0
    assert "wargame.scenario_schema" in TYPE_GRAPH["wargame.timeline"] - GRAPH["wargame.timeline"]


def test_agents_never_see_the_model():
    for name in MODULES:
        if name.startswith("agents"):
            assert "wargame.model" not in GRAPH[name], name


def test_strategies_and_protocols_use_only_narrow_views():
    """A strategy reads a NegotiatorView; a protocol a ProtocolTable of Parties: neither imports the
    agent or the model classes, not even for types (mypy then checks every attribute they use)."""
    for name, tree in MODULES.items():
        if name.startswith(("agents.strategies", "wargame.protocols")):
            every = {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module}
            every |= {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
            assert not every & {"wargame.model", "agents.government", "mesa"}, name


def test_the_agent_and_the_model_provide_the_views(teaching):
    """The views are typing Protocols: the agent and the model must have every member (checked at
    run time here, because Mesa has no type information for mypy to check them against)."""
    from agents.negotiator import NegotiatorView, Party
    from agents.view import SeatView, Table
    from wargame.model import NegotiationModel
    from wargame.protocols import ProtocolTable

    model = NegotiationModel(teaching, seed=0)
    seoul = model.principals[0]
    assert isinstance(seoul, NegotiatorView) and isinstance(seoul, SeatView) and isinstance(seoul, Party)
    for protocol in (Table, ProtocolTable):
        members = {n for n in dir(protocol) if not n.startswith("_")} | set(protocol.__annotations__)
        missing = sorted(n for n in members if not hasattr(model, n))
        assert not missing, f"NegotiationModel lacks {protocol.__name__} members {missing}"


def _loaded_by(code: str) -> set[str]:
    proc = subprocess.run(
        [sys.executable, "-c", f"import sys\n{code}\nprint('\\n'.join(sys.modules))"],
        capture_output=True,
        text=True,
        check=True,
    )
    return set(proc.stdout.split())


HEAVY = {"pandas", "scipy", "matplotlib", "mesa", "SALib", "pyarrow", "dask"}


def test_help_and_the_package_root_load_nothing_heavy():
    assert not HEAVY & _loaded_by("import wargame")
    assert not HEAVY & _loaded_by("from wargame.cli import app")
    # validating a scenario needs the schema, not the engine
    assert not HEAVY & _loaded_by(
        "from wargame.scenario import load_scenario\n"
        f"load_scenario({str(ROOT / 'configs' / 'scenarios' / 'summit_2025.yaml')!r})"
    )


def test_the_lazy_packages_export_what_they_list():
    """``wargame`` and ``wargame.classroom`` load their names on first use: each is the object its
    module defines, the lists agree, and submodules are reachable as attributes."""
    import importlib

    import wargame
    import wargame.classroom

    assert set(wargame.__all__) == {"__version__", *wargame._EXPORTS}
    tree = ast.parse((ROOT / "wargame" / "__init__.py").read_text())
    typed = {a.name for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) for a in n.names}
    assert typed >= set(wargame._EXPORTS)  # the type checker sees every lazy name
    for package in (wargame, wargame.classroom):
        prefix = "" if package is wargame else "wargame.classroom."
        for name, module in package._EXPORTS.items():
            assert getattr(package, name) is getattr(importlib.import_module(prefix + module), name)
    assert wargame.model is importlib.import_module("wargame.model")  # a submodule, loaded on use
    with pytest.raises(AttributeError):
        wargame.no_such_name  # noqa: B018


def test_the_allocator_keeps_freed_memory_on_glibc():
    import platform

    from wargame.memory import keep_freed_memory, settle

    assert keep_freed_memory() is keep_freed_memory()  # once per process
    if platform.system() == "Linux" and platform.libc_ver()[0] == "glibc":
        assert keep_freed_memory()
    assert settle() is False  # the main process's objects are never frozen
