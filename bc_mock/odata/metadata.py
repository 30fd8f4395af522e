"""``$metadata``: the CSDL document (EDMX 4.0, XML) of one API version, from the registry.

Namespace ``Microsoft.NAV`` as BC's: one entity type per entity set (key ``id``),
its properties with EDM type, ``MaxLength`` and ``Nullable``, its navigation
properties (a company contains its sets, a journal its payments; references such
as a journal's ``account`` carry a referential constraint), one complex type per
structured property, and one entity container listing the sets.

Read-only properties (except the key) carry ``Org.OData.Core.V1.Computed`` so that
generic clients leave them out of the bodies they send. Where bc_mock differs: BC declares its
options as enum types (``Microsoft.NAV.glAccountCategory``); bc_mock declares them
as ``Edm.String`` (the JSON values are the same captions), and BC's metadata also
lists many entity sets bc_mock does not serve.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING

from bc_mock.entities import REGISTRY, EntitySet
from bc_mock.entities.kinds import Complex, Decimal_, Kind
from bc_mock.entities.model import Prop
from bc_mock.odata.navigation import CONTAINED, navigations

NAMESPACE = "Microsoft.NAV"
EDMX = "http://docs.oasis-open.org/odata/ns/edmx"
EDM = "http://docs.oasis-open.org/odata/ns/edm"
CONTAINER = "default"

if TYPE_CHECKING:
    import xml.etree.ElementTree as ET
else:
    # xml.etree.ElementTree, imported by document(): with the first $metadata request, not at start-up
    ET = None


@functools.cache
def document(version: str) -> bytes:
    global ET  # the module's helpers use it too
    import xml.etree.ElementTree as ET

    ET.register_namespace("edmx", EDMX)
    ET.register_namespace("", EDM)
    root = ET.Element(f"{{{EDMX}}}Edmx", Version="4.0")
    services = ET.SubElement(root, f"{{{EDMX}}}DataServices")
    schema = ET.SubElement(services, f"{{{EDM}}}Schema", Namespace=NAMESPACE)
    sets = [entity for entity in REGISTRY.values() if _served(entity, version)]
    complex_types: dict[str, Complex] = {}
    for entity in sets:
        _entity_type(schema, entity, version, complex_types)
    for complex_kind in complex_types.values():
        _complex_type(schema, complex_kind)
    container = ET.SubElement(schema, f"{{{EDM}}}EntityContainer", Name=CONTAINER)
    for entity in sets:
        entity_set = ET.SubElement(
            container, f"{{{EDM}}}EntitySet", Name=entity.name, EntityType=f"{NAMESPACE}.{entity.type_name}"
        )
        for nav in navigations(entity, version):
            if not nav.many:
                ET.SubElement(
                    entity_set, f"{{{EDM}}}NavigationPropertyBinding", Path=nav.name, Target=nav.target
                )
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def _served(entity: EntitySet, version: str) -> bool:
    return (
        not entity.company_scoped
        or version in entity.top_level_versions
        or any(
            nav.target == entity.name for other in REGISTRY.values() for nav in other.navigations_for(version)
        )
    )


def _element(parent: ET.Element, tag: str, **attributes: str) -> ET.Element:
    return ET.SubElement(parent, f"{{{EDM}}}{tag}", attributes)


def _type_of(kind: Kind) -> str:
    if isinstance(kind, Complex):
        name = f"{NAMESPACE}.{kind.type_name}"
        return f"Collection({name})" if kind.many else name
    return kind.edm


def _property(parent: ET.Element, name: str, kind: Kind, nullable: bool = True) -> ET.Element:
    attributes = {"Name": name, "Type": _type_of(kind)}
    if not nullable:
        attributes["Nullable"] = "false"
    if kind.max_length is not None:
        attributes["MaxLength"] = str(kind.max_length)
    if isinstance(kind, Decimal_):
        attributes["Scale"] = "Variable"
    return _element(parent, "Property", **attributes)


def _computed(entity: EntitySet, prop: Prop, version: str) -> bool:
    """Read-only to clients: the server sets it. Not the key: v2.0 takes a client's id on
    create, and generic clients expect the key among the properties they may send."""
    return prop.name != "id" and not prop.client_writable(version, creating=True)


def _entity_type(schema: ET.Element, entity: EntitySet, version: str, complex_types: dict) -> None:
    entity_type = _element(schema, "EntityType", Name=entity.type_name)
    _element(_element(entity_type, "Key"), "PropertyRef", Name="id")
    for prop in entity.props_for(version):
        element = _property(entity_type, prop.name, prop.kind, prop.nullable)
        if _computed(entity, prop, version):
            _element(element, "Annotation", Term="Org.OData.Core.V1.Computed", Bool="true")
        if isinstance(prop.kind, Complex):
            complex_types[prop.kind.type_name] = prop.kind
    for nav in navigations(entity, version):
        target = f"{NAMESPACE}.{REGISTRY[nav.target].type_name}"
        if nav.many:
            attributes = {"Type": f"Collection({target})"}
            if nav.target_field == CONTAINED or nav.target_field != "id":
                attributes["ContainsTarget"] = "true"
            _element(entity_type, "NavigationProperty", Name=nav.name, **attributes)
        else:
            element = _element(entity_type, "NavigationProperty", Name=nav.name, Type=target)
            _element(element, "ReferentialConstraint", Property=nav.source_field, ReferencedProperty="id")


def _complex_type(schema: ET.Element, kind: Complex) -> None:
    complex_type = _element(schema, "ComplexType", Name=kind.type_name)
    for name, member in kind.members.items():
        _property(complex_type, name, member)
