use super::*;

#[test]
fn menu_ids_round_trip() {
    for id in [
        MenuId::Review("m 1".into()),
        MenuId::Agent("c9 agent:1".into()),
        MenuId::Inbox,
        MenuId::PauseTomorrow,
        MenuId::SignOut,
        MenuId::Quit,
    ] {
        assert_eq!(MenuId::parse(&id.as_string()), Some(id));
    }
    assert_eq!(MenuId::parse("nonsense"), None);
}

#[test]
fn signed_out_menu_offers_sign_in() {
    let m = menu("Signed out", None, &[], 0, None, false, &[]);
    assert!(m.iter().any(
        |e| matches!(e, MenuEntry::Item { id: MenuId::SignIn, label, .. } if label == "Sign in…")
    ));
    let with = menu(
        "x",
        Some("14:00".into()),
        &[("m1".into(), "Bot: hi".into())],
        3,
        Some("me_you&me@x"),
        true,
        &[("a1".to_owned(), "Bot: busy since 14:00".to_owned())],
    );
    assert_ne!(shape_of(&m), shape_of(&with));
    assert!(with
        .iter()
        .any(|e| matches!(e, MenuEntry::Item { label, .. } if label == "Sign out (me_you&&me@x)")));
    assert!(with
        .iter()
        .any(|e| matches!(e, MenuEntry::Item { label, .. } if label == "…and 3 more")));
    // An agent's line opens the conversation with it.
    let agents = with.iter().find_map(|e| match e {
        MenuEntry::Submenu { entries, .. } if entries.len() == 1 => Some(&entries[0]),
        _ => None,
    });
    assert!(
        matches!(
            agents,
            Some(MenuEntry::Item { id: MenuId::Agent(a), enabled: true, .. }) if a == "a1"
        ),
        "{agents:?}"
    );
}
