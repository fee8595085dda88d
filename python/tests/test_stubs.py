"""The .pyi stubs describe the compiled module as it is, and the package is documented and typed."""
import ast
import inspect
import os

import _virtio_sim
import virtio_sim as vs

STUB = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "_virtio_sim.pyi")


def stub_names():
    tree = ast.parse(open(STUB, encoding="utf-8").read())
    top, classes = set(), {}
    for node in tree.body:
        if isinstance(node, ast.FunctionDef):
            top.add(node.name)
        elif isinstance(node, ast.ClassDef):
            top.add(node.name)
            members = set()
            for item in node.body:
                if isinstance(item, ast.FunctionDef):
                    members.add(item.name)
                elif isinstance(item, ast.AnnAssign) and isinstance(item.target, ast.Name):
                    members.add(item.target.id)
            classes[node.name] = members
    return top, classes


def public(names):
    return {n for n in names if not n.startswith("_")}


def test_stub_lists_every_function_and_class_of_the_module():
    top, classes = stub_names()
    assert public(dir(_virtio_sim)) == top
    for name, members in classes.items():
        cls = getattr(_virtio_sim, name)
        if issubclass(cls, BaseException):
            continue
        assert public(dir(cls)) == public(members), name


def test_package_exports_are_documented():
    for name in vs.__all__:
        obj = getattr(vs, name)
        if inspect.isfunction(obj) or inspect.isclass(obj):
            assert inspect.getdoc(obj), f"virtio_sim.{name} has no docstring"
    for cls in (vs.Simulation, vs.Driver, vs.RngDriver, vs.BlkDriver, vs.NetDriver, vs.ConsoleDriver, vs.InputDriver,
                vs.DriverQueue, vs.Transport):
        for n, member in vars(cls).items():
            if not n.startswith("_") and (inspect.isfunction(member) or isinstance(member, property)):
                if n in ("bdf", "mmio_base", "size", "index", "free_count", "in_flight", "broken", "packed", "kind",
                         "legacy", "location", "device_type", "queue_size_negotiable", "live", "legacy_queue_align",
                         "features", "offered_features", "num_queues", "transport_kind", "mode", "seed", "manual",
                         "configs", "num_devices", "dma_size", "now_ps", "now_ns", "closed", "requests", "mac",
                         "ports", "name", "read_only", "capacity"):
                    continue  # self-explanatory properties
                assert inspect.getdoc(member), f"{cls.__name__}.{n} has no docstring"


def test_package_is_typed():
    pkg = os.path.dirname(vs.__file__)
    assert os.path.exists(os.path.join(pkg, "py.typed"))
    assert os.path.exists(STUB)
