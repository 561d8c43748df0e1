"""The layout rules of docs/architecture.md, checked: knowledge flows cli -> jobs -> library
-> sql, commands stay thin, modules stay short."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MAX_MODULE_LINES = 400
MAX_COMMAND_BODY = 15  # statements' lines of a command, docstring and imports excluded


def _modules(folder: str) -> list[Path]:
    return sorted((ROOT / folder).rglob("*.py"))


def _imports(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names


def test_the_library_knows_nothing_of_the_cli():
    offenders = {str(p.relative_to(ROOT)): sorted(_imports(p) & {"segment_cli", "typer", "rich", "click"})
                 for p in _modules("segment")}
    assert {p: bad for p, bad in offenders.items() if bad} == {}


def test_no_module_is_long():
    long = {str(p.relative_to(ROOT)): n for p in [*_modules("segment"), *_modules("cli")]
            if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_MODULE_LINES}
    assert long == {}


def _command_functions(tree: ast.Module):
    """Functions a module registers as commands: those passed to ``app.command(...)(f)``."""
    registered = {node.args[0].id for node in ast.walk(tree)
                  if isinstance(node, ast.Call) and isinstance(node.func, ast.Call)
                  and getattr(node.func.func, "attr", None) == "command" and node.args
                  and isinstance(node.args[0], ast.Name)}
    return [n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef) and n.name in registered]


def test_commands_are_parse_request_job_render():
    bodies = {}
    for path in _modules("cli"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for fn in _command_functions(tree):
            body = [s for s in fn.body if not isinstance(s, (ast.Import, ast.ImportFrom))
                    and not (isinstance(s, ast.Expr) and isinstance(s.value, ast.Constant))]
            lines = sum(s.end_lineno - s.lineno + 1 for s in body)
            bodies[f"{path.name}:{fn.name}"] = lines
    assert len(bodies) >= 9  # the check found the commands
    assert {k: n for k, n in bodies.items() if n > MAX_COMMAND_BODY} == {}


def test_every_command_has_a_job():
    from segment import jobs

    for command in jobs.COMMANDS:
        module = jobs.module(command)
        assert callable(module.run) and hasattr(module, "Request"), command
        assert module.Request.__dataclass_params__.frozen, command


def test_every_package_is_installed():
    """pyproject.toml lists packages one by one: a new one left out would be missing from
    the wheel (CI installs the wheel, not the checkout)."""
    import tomllib

    listed = set(tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]["packages"])
    found = {"segment." + ".".join(p.parent.relative_to(ROOT / "segment").parts) for p in (ROOT / "segment").rglob("__init__.py")}
    found |= {"segment_cli." + ".".join(p.parent.relative_to(ROOT / "cli").parts) for p in (ROOT / "cli").rglob("__init__.py")}
    found = {name.rstrip(".") for name in found}
    assert found - listed == set()
