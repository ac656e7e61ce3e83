//! The `com.canonical.dbusmenu` layout, parsed into a tree of [`MenuItem`]s.

use std::collections::HashMap;
use std::fmt;

use zbus::{OwnedVariant, Variant};

/// Whether an item is an ordinary entry or a separator (dbusmenu `type`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ItemType {
    /// `standard` (the default): an entry that can be clicked.
    Standard,
    /// `separator`
    Separator,
}

/// The kind of toggle an item shows (dbusmenu `toggle-type`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ToggleType {
    /// `checkmark`: a check box.
    Checkmark,
    /// `radio`: one of a group.
    Radio,
}

/// One menu entry, with its children. Absent properties have the dbusmenu defaults.
#[derive(Debug, Clone, PartialEq)]
pub struct MenuItem {
    /// The id to pass to [`TrayClient::click`](crate::TrayClient::click). The root is 0.
    pub id: i32,
    /// The label as sent, with `_` mnemonics (`"_Open inbox"`). See [`MenuItem::text`].
    pub label: String,
    /// `enabled` (default true): false for a greyed-out entry.
    pub enabled: bool,
    /// `visible` (default true).
    pub visible: bool,
    /// `type`
    pub item_type: ItemType,
    /// `toggle-type`, if the item is a check box or radio button.
    pub toggle_type: Option<ToggleType>,
    /// `toggle-state`: 1 checked, 0 unchecked, -1 indeterminate (default -1).
    pub toggle_state: i32,
    /// `children-display`: `"submenu"` if the item opens a submenu.
    pub children_display: Option<String>,
    /// `icon-name`, if any.
    pub icon_name: Option<String>,
    /// The submenu entries.
    pub children: Vec<MenuItem>,
}

/// One `(ia{sv}av)` node of a `GetLayout` reply: id, properties, children (each a variant
/// holding another node).
pub(crate) type LayoutNode = (i32, HashMap<String, OwnedVariant>, Vec<OwnedVariant>);

/// Removes dbusmenu mnemonics from a label: `_` marks the next character as the access key and
/// `__` is a literal underscore.
pub fn strip_mnemonics(label: &str) -> String {
    let mut text = String::with_capacity(label.len());
    let mut chars = label.chars();
    while let Some(c) = chars.next() {
        if c == '_' {
            if let Some(next) = chars.next() {
                text.push(next);
            }
        } else {
            text.push(c);
        }
    }
    text
}

impl MenuItem {
    /// The label as a user reads it: mnemonics removed (`"Open inbox"`).
    pub fn text(&self) -> String {
        strip_mnemonics(&self.label)
    }

    /// Whether the item is checked (`toggle-state` 1).
    pub fn is_checked(&self) -> bool {
        self.toggle_state == 1
    }

    /// Whether the user could click it: visible, enabled and not a separator.
    pub fn is_clickable(&self) -> bool {
        self.visible && self.enabled && self.item_type == ItemType::Standard
    }

    /// The first item in this subtree (depth first, this item included) matching `predicate`.
    pub fn find(&self, predicate: &dyn Fn(&MenuItem) -> bool) -> Option<&MenuItem> {
        if predicate(self) {
            return Some(self);
        }
        self.children.iter().find_map(|child| child.find(predicate))
    }

    /// The first item whose [`text`](Self::text) satisfies `predicate`.
    pub fn find_by_text(&self, predicate: impl Fn(&str) -> bool) -> Option<&MenuItem> {
        self.find(&|item| predicate(&item.text()))
    }

    /// The texts of the visible, non-separator entries of this menu level, in order.
    pub fn visible_texts(&self) -> Vec<String> {
        self.children
            .iter()
            .filter(|c| c.visible && c.item_type == ItemType::Standard)
            .map(MenuItem::text)
            .collect()
    }

    /// Parses one `(ia{sv}av)` layout node.
    pub(crate) fn from_layout(
        id: i32,
        properties: &HashMap<String, OwnedVariant>,
        children: &[OwnedVariant],
    ) -> Result<Self, String> {
        let mut item = Self::with_properties(id, |name| properties.get(name).map(|v| &**v));
        item.children = children
            .iter()
            .map(|child| parse_node(child))
            .collect::<Result<_, _>>()?;
        Ok(item)
    }

    fn with_properties<'a>(id: i32, get: impl Fn(&str) -> Option<&'a Variant<'a>>) -> Self {
        let string = |name: &str| match get(name).map(unwrap_variant) {
            Some(Variant::Str(s)) => Some(s.to_string()),
            _ => None,
        };
        let boolean = |name: &str| match get(name).map(unwrap_variant) {
            Some(Variant::Bool(b)) => Some(*b),
            _ => None,
        };
        Self {
            id,
            label: string("label").unwrap_or_default(),
            enabled: boolean("enabled").unwrap_or(true),
            visible: boolean("visible").unwrap_or(true),
            item_type: match string("type").as_deref() {
                Some("separator") => ItemType::Separator,
                _ => ItemType::Standard,
            },
            toggle_type: match string("toggle-type").as_deref() {
                Some("checkmark") => Some(ToggleType::Checkmark),
                Some("radio") => Some(ToggleType::Radio),
                _ => None,
            },
            toggle_state: match get("toggle-state").map(unwrap_variant) {
                Some(Variant::I32(n)) => *n,
                _ => -1,
            },
            children_display: string("children-display").filter(|s| !s.is_empty()),
            icon_name: string("icon-name").filter(|s| !s.is_empty()),
            children: Vec::new(),
        }
    }

    fn render(&self, f: &mut fmt::Formatter<'_>, depth: usize) -> fmt::Result {
        let mut flags = Vec::new();
        if !self.enabled {
            flags.push("disabled".to_owned());
        }
        if !self.visible {
            flags.push("hidden".to_owned());
        }
        if let Some(toggle) = self.toggle_type {
            flags.push(format!("{toggle:?} state={}", self.toggle_state));
        }
        let label = match self.item_type {
            ItemType::Separator => "-----".to_owned(),
            ItemType::Standard => format!("{:?}", self.label),
        };
        writeln!(
            f,
            "{:indent$}[{}] {label} {flags:?}",
            "",
            self.id,
            indent = depth * 2
        )?;
        self.children
            .iter()
            .try_for_each(|child| child.render(f, depth + 1))
    }
}

/// An indented tree, one item a line, for failure messages.
impl fmt::Display for MenuItem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.render(f, 0)
    }
}

/// Children arrive as variants wrapping the `(ia{sv}av)` structure, sometimes doubly wrapped.
fn unwrap_variant<'a>(value: &'a Variant<'a>) -> &'a Variant<'a> {
    match value {
        Variant::Variant(inner) => unwrap_variant(inner),
        other => other,
    }
}

fn parse_node(value: &Variant<'_>) -> Result<MenuItem, String> {
    let Variant::Structure(structure) = unwrap_variant(value) else {
        return Err(format!("menu node is not a structure: {value}"));
    };
    let [Variant::I32(id), Variant::Dict(properties), Variant::Array(children)] =
        structure.fields()
    else {
        return Err(format!("menu node is not (ia{{sv}}av): {structure}"));
    };
    let mut item = MenuItem::with_properties(*id, |name| {
        properties.iter().find_map(|(key, value)| match key {
            Variant::Str(key) if &**key == name => Some(value),
            _ => None,
        })
    });
    item.children = children
        .inner()
        .iter()
        .map(parse_node)
        .collect::<Result<_, _>>()?;
    Ok(item)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mnemonics_are_stripped_and_double_underscores_kept() {
        assert_eq!(strip_mnemonics("_Open inbox"), "Open inbox");
        assert_eq!(strip_mnemonics("snake__case _x"), "snake_case x");
        assert_eq!(strip_mnemonics("trailing_"), "trailing");
    }
}
