use super::*;

#[test]
fn menu_ids_round_trip() {
    for id in [
        MenuId::Review("m 1".into()),
        MenuId::Agent("c9 agent:1".into()),
        MenuId::Inbox,
        MenuId::PauseTomorrow,
        MenuId::SignOut,
        MenuId::SignOutOf("me@127.0.0.1:3000".into()),
        MenuId::AccountStatus("work.example".into()),
        MenuId::Quit,
    ] {
        assert_eq!(MenuId::parse(&id.as_string()), Some(id));
    }
    assert_eq!(MenuId::parse("nonsense"), None);
}
