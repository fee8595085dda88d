"""Every model parameter, as the C++ side declares it.

Nothing here lists parameters itself: the tables come from the compiled model (``TimingParams::info()``, the device
registry's option tables, ``Personality::catalogue()``, and the binding's tables for the platform layout, the
virtio-pci / virtio-mmio transport parameters and our driver's options, whose defaults are read from the C++
structs). Names are checked here only to give a good message (with a "did you mean") before the C++ side checks
them again.
"""
from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import Any, Dict, Iterable, List, Mapping, Sequence, Tuple

from ._ext import ext

ParameterError = ext.ParameterError


@dataclass(frozen=True)
class Param:
    """One parameter: its name, default (as text), unit and description."""

    name: str
    default: str
    unit: str
    description: str

    def __str__(self) -> str:
        unit = f" [{self.unit}]" if self.unit else ""
        return f"{self.name} = {self.default}{unit}: {self.description}"


@dataclass(frozen=True)
class DeviceType:
    """A device type of the registry: its options and whether the model can build it yet."""

    type: str
    description: str
    options: Tuple[Param, ...]
    implemented: bool

    def option(self, name: str) -> Param:
        """The option called ``name`` (ParameterError naming the close matches otherwise)."""
        for o in self.options:
            if o.name == name:
                return o
        raise ParameterError(_unknown(f"device type '{self.type}' option", name, [o.name for o in self.options]))


def _params(rows: Iterable[Mapping[str, str]]) -> List[Param]:
    return [Param(r["name"], r["default"], r["unit"], r["description"]) for r in rows]


def timing_parameters() -> List[Param]:
    """Every latency and bandwidth of the platform (``TimingParams::info()``)."""
    return _params(ext.timing_parameters())


def layout_parameters() -> List[Param]:
    """Where RAM, ECAM, BAR windows and virtio-mmio slots sit (``PlatformLayout``)."""
    return _params(ext.layout_parameters())


def pci_parameters() -> List[Param]:
    """virtio-pci transport parameters (``VirtioPciParams``), for ``DeviceConfig(transport_options=...)``."""
    return _params(ext.pci_parameters())


def mmio_parameters() -> List[Param]:
    """virtio-mmio transport parameters (``VirtioMmioParams``), for ``DeviceConfig(transport_options=...)``."""
    return _params(ext.mmio_parameters())


def core_parameters() -> List[Param]:
    """Device core options (``CoreOptions``: VIRTIO_F_SUSPEND offer, ...), for ``DeviceConfig(core_options=...)``."""
    return _params(ext.core_parameters())


def driver_options() -> List[Param]:
    """Options of our built-in driver (``drv::DriverOptions``), for ``Simulation.open(..., **options)``."""
    return _params(ext.driver_options())


def device_types() -> Dict[str, DeviceType]:
    """Every device type of the registry (``deviceTypes()``), by name. New types appear here without any change
    to the bindings."""
    out: Dict[str, DeviceType] = {}
    for t in ext.device_types():
        out[t["type"]] = DeviceType(t["type"], t["description"], tuple(_params(t["options"])), bool(t["implemented"]))
    return out


def device_type(name: str) -> DeviceType:
    """The device type called ``name``."""
    types = device_types()
    if name not in types:
        raise ParameterError(_unknown("device type", name, list(types)))
    return types[name]


def device_implemented(name: str) -> bool:
    """True when the model can build devices of this type (placeholders exist before a device lands)."""
    t = device_types().get(name)
    return bool(t and t.implemented)


def personalities() -> List[str]:
    """Every single device personality; combine them with commas (``"batch_used=4,spurious_irq"``)."""
    return list(ext.personalities())


def parse_personality(spec: str) -> str:
    """The canonical name of a personality spec; ParameterError when it is not valid."""
    return str(ext.parse_personality(spec))


def transports() -> List[str]:
    """Transport names: pci-modern, pci-legacy, pci-transitional, mmio-v2, mmio-v1."""
    return list(ext.transports())


def is_pci(transport: str) -> bool:
    return transport.startswith("pci")


def _unknown(what: str, name: str, known: Sequence[str]) -> str:
    close = difflib.get_close_matches(name, list(known), n=3, cutoff=0.6)
    hint = f" (did you mean {', '.join(repr(c) for c in close)}?)" if close else ""
    return f"unknown {what} {name!r}{hint}; known: {', '.join(known)}"


def check_names(what: str, given: Iterable[str], params: Sequence[Param]) -> None:
    """Raise ParameterError for the first name in ``given`` that ``params`` does not have."""
    known = [p.name for p in params]
    for name in given:
        if name not in known:
            raise ParameterError(_unknown(what, name, known))


def option_text(what: str, name: str, value: Any) -> str:
    """A Python value as the key=value text the C++ option parsers read."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, str):
        return value
    raise ParameterError(f"{what} {name!r}: {value!r} is a {type(value).__name__}; use bool, int, float or str")


def describe() -> str:
    """Every parameter table as text (what ``python -m virtio_sim params`` prints)."""
    lines: List[str] = []

    def table(title: str, rows: Sequence[Param]) -> None:
        lines.append(title)
        for p in rows:
            lines.append(f"  {p}")
        lines.append("")

    table("timing (Simulation(timing={...}))", timing_parameters())
    table("layout (Simulation(layout={...}))", layout_parameters())
    for name, t in device_types().items():
        state = "" if t.implemented else "  [not implemented yet]"
        table(f"device '{name}': {t.description}{state} (DeviceConfig('{name}', option=value))", t.options)
    table("virtio-pci (DeviceConfig(transport_options={...}))", pci_parameters())
    table("virtio-mmio (DeviceConfig(transport_options={...}))", mmio_parameters())
    table("device core (DeviceConfig(core_options={...}))", core_parameters())
    table("our driver (Simulation.open(device, option=value))", driver_options())
    lines.append("personalities (DeviceConfig(personality='a,b=N')): " + ", ".join(personalities()))
    lines.append("transports: " + ", ".join(transports()))
    return "\n".join(lines)
