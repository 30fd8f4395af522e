"""``$metadata``: the CSDL document (EDMX 4.0, XML) of one API version, from the registry.

Namespace ``Microsoft.NAV`` as BC's: one entity type per entity set (key ``id``),
its properties with EDM type, ``MaxLength`` and ``Nullable``, its navigation
properties (a company contains its sets, a journal its payments; references such
as a journal's ``account`` carry a referential constraint), one complex type per
structured property, the sets' bound actions (``journal``'s ``post``), and one entity
container listing the sets.

Read-only properties (except the key) carry ``Org.OData.Core.V1.Computed`` so that
generic clients leave them out of the bodies they send. In v2.0, BC's enums are EnumTypes of
``Microsoft.NAV`` (``glAccountCategory``, members named as v2.0 writes them: ``_x0020_``,
``Cost_x0020_of_x0020_Goods_x0020_Sold``) with the AL enum's values; v1.0, which writes
captions, declares them ``Edm.String``, as AL Options are in both. ``MaxLength`` is declared
only where BC stores the value in a field of that length (``Prop.length_declared_in``).
Where bc_mock differs: BC's metadata also lists many entity sets bc_mock does not serve.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING

from bc_mock.entities import REGISTRY, EntitySet
from bc_mock.entities.kinds import Complex, Decimal_, Enum, Kind
from bc_mock.entities.model import Prop
from bc_mock.odata.navigation import CONTAINED, navigations

NAMESPACE = "Microsoft.NAV"
# the API version whose $metadata declares BC's enums as EnumTypes; v1.0 declares options as strings
ENUM_VERSION = "v2.0"
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
    enum_types: dict[str, Enum] = {}
    for entity in sets:
        _entity_type(schema, entity, version, complex_types, enum_types)
    for enum_kind in enum_types.values():
        _enum_type(schema, enum_kind)
    for complex_kind in complex_types.values():
        _complex_type(schema, complex_kind)
    for entity in sets:
        for action in entity.actions_for(version):
            _bound_action(schema, entity, action.name)
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


def _type_of(kind: Kind, version: str) -> str:
    if isinstance(kind, Complex):
        name = f"{NAMESPACE}.{kind.type_name}"
        return f"Collection({name})" if kind.many else name
    if isinstance(kind, Enum) and version == ENUM_VERSION:
        return f"{NAMESPACE}.{kind.type_name}"
    return kind.edm


def _property(
    parent: ET.Element, name: str, kind: Kind, version: str, nullable: bool, max_length: int | None
) -> ET.Element:
    attributes = {"Name": name, "Type": _type_of(kind, version)}
    if not nullable:
        attributes["Nullable"] = "false"
    if max_length is not None and not isinstance(kind, Enum):
        attributes["MaxLength"] = str(max_length)
    if isinstance(kind, Decimal_):
        attributes["Scale"] = "Variable"
    return _element(parent, "Property", **attributes)


def _computed(entity: EntitySet, prop: Prop, version: str) -> bool:
    """Read-only to clients: the server sets it. Not the key: v2.0 takes a client's id on
    create, and generic clients expect the key among the properties they may send."""
    return prop.name != entity.key and not prop.client_writable(version, creating=True)


def _entity_type(
    schema: ET.Element, entity: EntitySet, version: str, complex_types: dict, enum_types: dict
) -> None:
    entity_type = _element(schema, "EntityType", Name=entity.type_name)
    _element(_element(entity_type, "Key"), "PropertyRef", Name=entity.key)
    for prop in entity.props_for(version):
        length = prop.declared_length(version)
        element = _property(entity_type, prop.name, prop.kind, version, prop.nullable, length)
        if _computed(entity, prop, version):
            _element(element, "Annotation", Term="Org.OData.Core.V1.Computed", Bool="true")
        if isinstance(prop.kind, Complex):
            complex_types[prop.kind.type_name] = prop.kind
        if isinstance(prop.kind, Enum) and version == ENUM_VERSION:
            enum_types[prop.kind.type_name] = prop.kind
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


def _bound_action(schema: ET.Element, entity: EntitySet, name: str) -> None:
    """A record's action, as BC declares an API page's service-enabled procedure."""
    action = _element(schema, "Action", Name=name, IsBound="true")
    _element(action, "Parameter", Name="bindingParameter", Type=f"{NAMESPACE}.{entity.type_name}")


def _enum_type(schema: ET.Element, kind: Enum) -> None:
    enum_type = _element(schema, "EnumType", Name=kind.type_name)
    for name, ordinal in kind.members():
        _element(enum_type, "Member", Name=name, Value=str(ordinal))


def _complex_type(schema: ET.Element, kind: Complex) -> None:
    complex_type = _element(schema, "ComplexType", Name=kind.type_name)
    for name, member in kind.members.items():
        length = member.max_length if kind.declare_lengths else None
        _property(complex_type, name, member, "v1.0", name not in kind.not_null, length)
