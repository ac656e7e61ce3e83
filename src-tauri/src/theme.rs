//! Light or dark, as the desktop says, live.
//!
//! The pages follow `prefers-color-scheme`. WebKit and WebView2 on Windows and WebKit on
//! macOS take it from the system's setting by themselves. WebKitGTK takes it from GTK
//! (`gtk-application-prefer-dark-theme`, or a theme whose name ends in `-dark`), which
//! GNOME no longer sets: GNOME, KDE and others publish the person's choice through the
//! XDG settings portal (`org.freedesktop.appearance` `color-scheme`: 0 no preference,
//! 1 dark, 2 light). So on Linux the host reads it from the portal when it starts and
//! follows its `SettingChanged` signal, and tells GTK, which WebKit follows.
//!
//! No portal (or one that does not know the key): GTK's own settings stay as they are.

use gtk::prelude::*;
use webkit2gtk::gio::{self, BusType, DBusCallFlags, DBusProxy, DBusProxyFlags};
use webkit2gtk::glib::Variant;

const PORTAL: &str = "org.freedesktop.portal.Desktop";
const PORTAL_PATH: &str = "/org/freedesktop/portal/desktop";
const SETTINGS: &str = "org.freedesktop.portal.Settings";
const NAMESPACE: &str = "org.freedesktop.appearance";
const KEY: &str = "color-scheme";
/// How long the first read may take (the portal may be started for it).
const READ_TIMEOUT_MS: i32 = 3000;

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

/// The number inside a portal reply: `Read` wraps the value in one more variant than
/// `ReadOne` and the signal do, so unwrap every layer.
fn portal_value(mut v: Variant) -> Option<u32> {
    loop {
        if let Some(n) = v.get::<u32>() {
            return Some(n);
        }
        v = if v.is_container() && v.n_children() == 1 {
            v.child_value(0)
        } else {
            v.as_variant()?
        };
    }
}

/// GTK's settings when the host started, restored for "no preference".
#[derive(Clone)]
struct Original {
    prefer_dark: bool,
    theme: Option<String>,
}

/// Tells GTK (and so WebKit, live) which scheme to use.
fn apply(scheme: Scheme, original: &Original) {
    let Some(settings) = gtk::Settings::default() else {
        return;
    };
    tracing::debug!(?scheme, "colour scheme from the desktop");
    let (dark, theme) = match scheme {
        Scheme::Dark => (true, original.theme.clone()),
        // A "-dark" theme would keep the pages dark: its light sibling instead.
        Scheme::Light => (false, original.theme.as_deref().map(light_theme)),
        Scheme::NoPreference => (original.prefer_dark, original.theme.clone()),
    };
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

/// Starts following the desktop's colour scheme (main thread, once GTK is up).
pub fn follow_desktop() {
    let Some(settings) = gtk::Settings::default() else {
        return;
    };
    let original = Original {
        prefer_dark: settings.is_gtk_application_prefer_dark_theme(),
        theme: settings.gtk_theme_name().map(|t| t.to_string()),
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
    let on_change = original.clone();
    proxy.connect_local("g-signal", false, move |args| {
        let signal = args.get(2)?.get::<String>().ok()?;
        let params = args.get(3)?.get::<Variant>().ok()?;
        if signal != "SettingChanged" {
            return None;
        }
        let (namespace, key, value) = params.get::<(String, String, Variant)>()?;
        if namespace == NAMESPACE && key == KEY {
            if let Some(n) = portal_value(value) {
                apply(Scheme::from_portal(n), &on_change);
            }
        }
        None
    });
    proxy.call(
        "Read",
        Some(&(NAMESPACE, KEY).to_variant()),
        DBusCallFlags::NONE,
        READ_TIMEOUT_MS,
        gio::Cancellable::NONE,
        move |reply| match reply.map(portal_value) {
            Ok(Some(n)) => apply(Scheme::from_portal(n), &original),
            Ok(None) => tracing::debug!("the settings portal's color-scheme is not a number"),
            Err(e) => tracing::debug!(error = %e, "the settings portal has no color-scheme"),
        },
    );
    // The proxy lives as long as the host: its signal handler is how changes arrive.
    std::mem::forget(proxy);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_layer_of_a_reply_is_unwrapped() {
        let bare = 1u32.to_variant();
        assert_eq!(portal_value(bare.clone()), Some(1));
        let boxed = Variant::from_variant(&bare);
        assert_eq!(portal_value(boxed.clone()), Some(1));
        // `Read`'s reply: a tuple of a variant of a variant.
        let read = Variant::tuple_from_iter([Variant::from_variant(&boxed)]);
        assert_eq!(portal_value(read), Some(1));
        assert_eq!(portal_value("dark".to_variant()), None);
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
