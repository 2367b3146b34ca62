"""The package rules of docs/ARCHITECTURE.md, read from the source: which package may import which, and no import
cycles between modules (imports inside functions and under TYPE_CHECKING count too)."""
import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("ingest", "law", "assistant", "interfaces", "evals")
ALLOWED = {                      # package -> the packages of ours it may import
    "ingest": {"ingest"},
    "law": {"ingest", "law"},
    "assistant": {"ingest", "law", "assistant"},
    "evals": {"ingest", "law", "assistant", "evals"},
    "interfaces": {"ingest", "law", "assistant", "evals", "interfaces"},
}


def modules() -> dict[str, Path]:
    out = {}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            parts = path.relative_to(ROOT).with_suffix("").parts
            out[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return out


def imports_of(name: str, path: Path, known: dict) -> set[str]:
    """The modules of ours that a module imports, anywhere in its body."""
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            targets = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                up = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(up + ([base] if base else []))
            targets = [base] + [f"{base}.{a.name}" for a in node.names]
        else:
            continue
        for t in targets:
            while t and t not in known:
                t = t.rpartition(".")[0]
            if t and t != name:
                found.add(t)
    return found


def graph() -> dict[str, set[str]]:
    known = modules()
    return {name: imports_of(name, path, known) for name, path in known.items()}


def test_packages_import_only_what_they_may():
    wrong = [(m, i) for m, deps in graph().items() for i in deps if i.split(".")[0] not in ALLOWED[m.split(".")[0]]]
    assert wrong == []


def test_no_import_cycles():
    g = graph()
    state: dict[str, int] = {}
    cycles = []

    def visit(node, path):
        state[node] = 1
        for dep in sorted(g.get(node, ())):
            if dep.split(".")[0] == node.split(".")[0] and dep in {m.rsplit(".", 1)[0] for m in [node]}:
                continue              # a module's own package __init__ re-exporting it is not a cycle
            if state.get(dep) == 1:
                cycles.append(path[path.index(dep):] + [dep] if dep in path else [node, dep])
            elif state.get(dep) is None:
                visit(dep, path + [dep])
        state[node] = 2

    for node in sorted(g):
        if node not in state:
            visit(node, [node])
    assert cycles == []
