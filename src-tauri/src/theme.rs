//! Light or dark, and more contrast, as the desktop says, live.
//!
//! The pages follow `prefers-color-scheme` and `prefers-contrast`. WebView2 on Windows
//! and WebKit on macOS take both from the system's settings by themselves. WebKitGTK
//! takes them from GTK: dark from `gtk-application-prefer-dark-theme` (or a theme whose
//! name ends in `-dark`), more contrast from the theme `HighContrast` or
//! `HighContrastInverse`. GNOME no longer sets either: GNOME, KDE and others publish the
//! person's choice through the XDG settings portal. So on Linux the host reads it from
//! the portal when it starts and follows its `SettingChanged` signal, and tells GTK,
//! which WebKit follows:
//! - `org.freedesktop.appearance` `color-scheme`: 0 no preference, 1 dark, 2 light;
//! - `org.freedesktop.appearance` `contrast` (portals since 1.18): 1 higher contrast;
//! - `org.gnome.desktop.a11y.interface` `high-contrast` (GNOME's switch, which the GTK
//!   and GNOME portal backends pass on, and the only one older portals know).
//!
//! No portal (or one that knows none of the keys): GTK's own settings stay as they are.

use std::cell::RefCell;
use std::rc::Rc;

use gtk::prelude::*;
use webkit2gtk::gio::{self, BusType, DBusCallFlags, DBusProxy, DBusProxyFlags};
use webkit2gtk::glib::{Variant, VariantTy};

const PORTAL: &str = "org.freedesktop.portal.Desktop";
const PORTAL_PATH: &str = "/org/freedesktop/portal/desktop";
const SETTINGS: &str = "org.freedesktop.portal.Settings";
const APPEARANCE: &str = "org.freedesktop.appearance";
const COLOR_SCHEME: &str = "color-scheme";
const CONTRAST: &str = "contrast";
const GNOME_A11Y: &str = "org.gnome.desktop.a11y.interface";
const GNOME_HIGH_CONTRAST: &str = "high-contrast";
/// How long the first read may take (the portal may be started for it).
const READ_TIMEOUT_MS: i32 = 3000;
/// GTK's built-in high-contrast themes, which WebKitGTK reads as `prefers-contrast: more`.
const HIGH_CONTRAST: &str = "HighContrast";
const HIGH_CONTRAST_DARK: &str = "HighContrastInverse";

/// What the portal says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scheme {
    NoPreference,
    Dark,
    Light,
}

impl Scheme {
    /// The portal's value (unknown values are no preference, as the spec asks).
    pub fn from_portal(value: u32) -> Scheme {
        match value {
            1 => Scheme::Dark,
            2 => Scheme::Light,
            _ => Scheme::NoPreference,
        }
    }
}

/// What the desktop asks for, as far as the portal has said.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Wanted {
    scheme: Scheme,
    /// `org.freedesktop.appearance contrast` is 1.
    contrast: bool,
    /// GNOME's `high-contrast` switch.
    gnome_high_contrast: bool,
}

impl Wanted {
    const NOTHING: Wanted = Wanted {
        scheme: Scheme::NoPreference,
        contrast: false,
        gnome_high_contrast: false,
    };

    fn high_contrast(&self) -> bool {
        self.contrast || self.gnome_high_contrast
    }

    /// Takes one setting from a reply or a signal; false when it is not one of ours.
    fn take(&mut self, namespace: &str, key: &str, value: Variant) -> bool {
        let value = innermost(value);
        match (namespace, key) {
            (APPEARANCE, COLOR_SCHEME) => match value.get::<u32>() {
                Some(n) => self.scheme = Scheme::from_portal(n),
                None => return false,
            },
            (APPEARANCE, CONTRAST) => match value.get::<u32>() {
                Some(n) => self.contrast = n == 1,
                None => return false,
            },
            (GNOME_A11Y, GNOME_HIGH_CONTRAST) => match value.get::<bool>() {
                Some(on) => self.gnome_high_contrast = on,
                None => return false,
            },
            _ => return false,
        }
        true
    }
}

/// The value inside a portal reply: `Read` wraps it in one more variant than `ReadOne`
/// and the signal do, and a reply is a tuple of one, so unwrap every layer.
fn innermost(mut v: Variant) -> Variant {
    loop {
        v = if v.is_type(VariantTy::VARIANT) {
            match v.as_variant() {
                Some(inner) => inner,
                None => return v,
            }
        } else if v.type_().is_tuple() && v.n_children() == 1 {
            v.child_value(0)
        } else {
            return v;
        };
    }
}

/// GTK's settings when the host started, restored for "no preference".
#[derive(Debug, Clone)]
struct Original {
    prefer_dark: bool,
    theme: Option<String>,
}

/// GTK's dark flag and theme name for what the desktop asks.
fn look(wanted: Wanted, original: &Original) -> (bool, Option<String>) {
    let dark = match wanted.scheme {
        Scheme::Dark => true,
        Scheme::Light => false,
        Scheme::NoPreference => original.prefer_dark,
    };
    let theme = if wanted.high_contrast() {
        Some(
            if dark {
                HIGH_CONTRAST_DARK
            } else {
                HIGH_CONTRAST
            }
            .to_owned(),
        )
    } else if wanted.scheme == Scheme::Light {
        // A "-dark" theme would keep the pages dark: its light sibling instead.
        original.theme.as_deref().map(light_theme)
    } else {
        original.theme.clone()
    };
    (dark, theme)
}

/// Tells GTK (and so WebKit, live) what to use.
fn apply(wanted: Wanted, original: &Original) {
    let Some(settings) = gtk::Settings::default() else {
        return;
    };
    tracing::debug!(?wanted, "the desktop's colour scheme and contrast");
    let (dark, theme) = look(wanted, original);
    settings.set_gtk_application_prefer_dark_theme(dark);
    if theme.is_some() && theme != settings.gtk_theme_name().map(|t| t.to_string()) {
        settings.set_gtk_theme_name(theme.as_deref());
    }
}

/// The light variant of a GTK theme name ("Adwaita-dark" → "Adwaita").
fn light_theme(name: &str) -> String {
    for suffix in ["-dark", "-Dark", ":dark"] {
        if let Some(base) = name.strip_suffix(suffix) {
            return base.to_owned();
        }
    }
    name.to_owned()
}

/// Starts following the desktop's colour scheme and contrast (main thread, once GTK is
/// up).
pub fn follow_desktop() {
    let Some(settings) = gtk::Settings::default() else {
        return;
    };
    let original = Original {
        prefer_dark: settings.is_gtk_application_prefer_dark_theme(),
        // GTK's default, so that leaving high contrast has a theme to go back to.
        theme: Some(
            settings
                .gtk_theme_name()
                .map_or_else(|| "Adwaita".to_owned(), |t| t.to_string()),
        ),
    };
    DBusProxy::for_bus(
        BusType::Session,
        DBusProxyFlags::DO_NOT_LOAD_PROPERTIES,
        None,
        PORTAL,
        PORTAL_PATH,
        SETTINGS,
        gio::Cancellable::NONE,
        move |proxy| match proxy {
            Ok(proxy) => watch(proxy, original),
            Err(e) => tracing::debug!(error = %e, "no settings portal"),
        },
    );
}

fn watch(proxy: DBusProxy, original: Original) {
    let state = Rc::new(RefCell::new(Wanted::NOTHING));
    let original = Rc::new(original);
    let (on_change, original_on_change) = (state.clone(), original.clone());
    proxy.connect_local("g-signal", false, move |args| {
        let signal = args.get(2)?.get::<String>().ok()?;
        let params = args.get(3)?.get::<Variant>().ok()?;
        if signal != "SettingChanged" {
            return None;
        }
        let (namespace, key, value) = params.get::<(String, String, Variant)>()?;
        let mut wanted = on_change.borrow_mut();
        if wanted.take(&namespace, &key, value) {
            apply(*wanted, &original_on_change);
        }
        None
    });
    for (namespace, key) in [
        (APPEARANCE, COLOR_SCHEME),
        (APPEARANCE, CONTRAST),
        (GNOME_A11Y, GNOME_HIGH_CONTRAST),
    ] {
        let (state, original) = (state.clone(), original.clone());
        proxy.call(
            "Read",
            Some(&(namespace, key).to_variant()),
            DBusCallFlags::NONE,
            READ_TIMEOUT_MS,
            gio::Cancellable::NONE,
            move |reply| match reply {
                Ok(value) => {
                    let mut wanted = state.borrow_mut();
                    if wanted.take(namespace, key, value) {
                        apply(*wanted, &original);
                    } else {
                        tracing::debug!(namespace, key, "the settings portal's value is not one we know");
                    }
                }
                Err(e) => tracing::debug!(namespace, key, error = %e, "the settings portal does not have it"),
            },
        );
    }
    // The proxy lives as long as the host: its signal handler is how changes arrive.
    std::mem::forget(proxy);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_layer_of_a_reply_is_unwrapped() {
        let bare = 1u32.to_variant();
        assert_eq!(innermost(bare.clone()).get::<u32>(), Some(1));
        let boxed = Variant::from_variant(&bare);
        assert_eq!(innermost(boxed.clone()).get::<u32>(), Some(1));
        // `Read`'s reply: a tuple of a variant of a variant.
        let read = Variant::tuple_from_iter([Variant::from_variant(&boxed)]);
        assert_eq!(innermost(read).get::<u32>(), Some(1));
        let flag = Variant::tuple_from_iter([Variant::from_variant(&true.to_variant())]);
        assert_eq!(innermost(flag).get::<bool>(), Some(true));
    }

    #[test]
    fn each_key_is_taken_and_others_are_not() {
        let mut wanted = Wanted::NOTHING;
        assert!(wanted.take(APPEARANCE, COLOR_SCHEME, 1u32.to_variant()));
        assert_eq!(wanted.scheme, Scheme::Dark);
        assert!(!wanted.high_contrast());
        assert!(wanted.take(GNOME_A11Y, GNOME_HIGH_CONTRAST, true.to_variant()));
        assert!(wanted.high_contrast());
        assert!(wanted.take(GNOME_A11Y, GNOME_HIGH_CONTRAST, false.to_variant()));
        assert!(wanted.take(APPEARANCE, CONTRAST, 1u32.to_variant()));
        assert!(
            wanted.high_contrast(),
            "either source asks for more contrast"
        );
        assert!(wanted.take(APPEARANCE, CONTRAST, 0u32.to_variant()));
        assert!(!wanted.high_contrast());
        // A value of the wrong type, or a key that is not ours, changes nothing.
        assert!(!wanted.take(APPEARANCE, COLOR_SCHEME, "dark".to_variant()));
        assert!(!wanted.take(APPEARANCE, "accent-color", 1u32.to_variant()));
        assert_eq!(wanted.scheme, Scheme::Dark);
    }

    #[test]
    fn the_look_for_each_wish() {
        let original = Original {
            prefer_dark: false,
            theme: Some("Adwaita-dark".to_owned()),
        };
        let wish = |scheme, contrast| Wanted {
            scheme,
            contrast,
            gnome_high_contrast: false,
        };
        assert_eq!(
            look(wish(Scheme::NoPreference, false), &original),
            (false, Some("Adwaita-dark".to_owned()))
        );
        assert_eq!(
            look(wish(Scheme::Light, false), &original),
            (false, Some("Adwaita".to_owned()))
        );
        assert_eq!(
            look(wish(Scheme::Dark, false), &original),
            (true, Some("Adwaita-dark".to_owned()))
        );
        assert_eq!(
            look(wish(Scheme::Light, true), &original),
            (false, Some(HIGH_CONTRAST.to_owned()))
        );
        assert_eq!(
            look(wish(Scheme::Dark, true), &original),
            (true, Some(HIGH_CONTRAST_DARK.to_owned()))
        );
    }

    #[test]
    fn the_portal_s_values() {
        assert_eq!(Scheme::from_portal(0), Scheme::NoPreference);
        assert_eq!(Scheme::from_portal(1), Scheme::Dark);
        assert_eq!(Scheme::from_portal(2), Scheme::Light);
        assert_eq!(Scheme::from_portal(7), Scheme::NoPreference);
    }

    #[test]
    fn a_dark_theme_s_light_sibling() {
        assert_eq!(light_theme("Adwaita-dark"), "Adwaita");
        assert_eq!(light_theme("Yaru:dark"), "Yaru");
        assert_eq!(light_theme("Breeze"), "Breeze");
    }
}
