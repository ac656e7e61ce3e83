use super::*;
use crate::notify::recording::RecordingNotifier;
use crate::notify::{InfoKey, NoticeKey};

fn notice(id: &str) -> Notice {
    Notice {
        key: NoticeKey::Review(id.to_owned()),
        title: "Bot needs your review".into(),
        body: id.into(),
        actions: Vec::new(),
        open_label: Some("Open".into()),
        without_buttons: None,
        reply: None,
        sound: true,
        persistent: true,
        kind: crate::notify::NoticeKind::Decision,
        urgency: crate::notify::Urgency::Normal,
    }
}

fn center() -> (NotificationCenter, Arc<RecordingNotifier>) {
    let rec = Arc::new(RecordingNotifier::default());
    (
        NotificationCenter::spawn(rec.clone(), CenterConfig::default()),
        rec,
    )
}

/// A person who answers each review as it comes is not flooded: every one gets its
/// own notification, however many arrive in a minute.
#[tokio::test(start_paused = true)]
async fn answered_reviews_do_not_count_as_a_flood() {
    let (c, rec) = center();
    for i in 0..30 {
        c.review(notice(&format!("r{i}")), "A");
        tokio::time::advance(Duration::from_millis(1000)).await;
        c.withdraw(&format!("r{i}"));
    }
    c.flush().await;
    assert_eq!(
        rec.shown_keys()
            .iter()
            .filter(|k| k.starts_with("review:"))
            .count(),
        30
    );
    assert!(!rec.shown_keys().contains(&"summary".to_owned()));
}

/// Reviews one at a time each get a notification; answering withdraws it.
#[tokio::test(start_paused = true)]
async fn single_reviews_show_and_withdraw() {
    let (c, rec) = center();
    c.review(notice("a"), "Bot");
    tokio::time::advance(Duration::from_secs(3)).await;
    c.review(notice("b"), "Bot");
    c.withdraw("a");
    c.flush().await;
    assert_eq!(rec.shown_keys(), ["review:a", "review:b"]);
    assert_eq!(rec.withdrawn_keys(), ["review:a"]);
}

/// 1,000 reviews in 2 s become four notifications and one summary updated a few
/// times, not a thousand calls.
#[tokio::test(start_paused = true)]
async fn a_burst_folds_into_a_coalesced_summary() {
    let (c, rec) = center();
    for i in 0..1000 {
        c.review(notice(&format!("r{i}")), if i % 2 == 0 { "A" } else { "B" });
        tokio::time::advance(Duration::from_millis(2)).await;
    }
    tokio::time::advance(Duration::from_secs(30)).await;
    c.flush().await;
    let shows = rec.shown_keys();
    assert!(shows.len() <= 10, "{} shows: {shows:?}", shows.len());
    assert_eq!(
        &shows[..4],
        ["review:r0", "review:r1", "review:r2", "review:r3"]
    );
    let last = rec.last_shown(&NoticeKey::Summary).expect("a summary");
    assert_eq!(last.title, "1000 reviews need you");
    assert_eq!(last.body, "A (500), B (500)");
    assert!(!last.sound, "updates are silent");
    assert_eq!(
        rec.withdrawn_keys(),
        ["review:r0", "review:r1", "review:r2", "review:r3"],
        "the burst's own notifications folded into the summary"
    );
}

/// Two reviews a second for a minute: the flood rule folds them and the summary is
/// updated with growing gaps.
#[tokio::test(start_paused = true)]
async fn a_steady_flood_folds_too() {
    let rec = Arc::new(RecordingNotifier::default());
    let c = NotificationCenter::spawn(
        rec.clone(),
        CenterConfig {
            burst_size: 100,
            ..CenterConfig::default()
        },
    );
    for i in 0..120 {
        c.review(notice(&format!("r{i}")), "A");
        tokio::time::advance(Duration::from_millis(500)).await;
    }
    tokio::time::advance(Duration::from_secs(30)).await;
    c.flush().await;
    let shows = rec.shown_keys();
    let individual = shows.iter().filter(|k| k.starts_with("review:")).count();
    assert_eq!(
        individual, 10,
        "at most ten on their own while none is answered"
    );
    assert!(shows.len() <= 25, "{} shows", shows.len());
    assert_eq!(
        rec.last_shown(&NoticeKey::Summary).unwrap().title,
        "120 reviews need you"
    );
}

/// The summary shrinks as its reviews are answered and closes with the last one.
#[tokio::test(start_paused = true)]
async fn the_summary_closes_when_empty() {
    let (c, rec) = center();
    for i in 0..6 {
        c.review(notice(&format!("r{i}")), "A");
    }
    for i in 0..6 {
        c.withdraw(&format!("r{i}"));
    }
    tokio::time::advance(Duration::from_secs(30)).await;
    c.flush().await;
    assert!(rec.withdrawn_keys().contains(&"summary".to_owned()));
    assert!(!rec.is_open(&NoticeKey::Summary));
}

/// Information is shown as given and closed by key.
#[tokio::test(start_paused = true)]
async fn infos_replace_and_close() {
    let (c, rec) = center();
    let mut n = notice("x");
    n.key = NoticeKey::Info(InfoKey::AuthExpired);
    c.info(n.clone());
    c.info(n);
    c.close(NoticeKey::Info(InfoKey::AuthExpired));
    c.flush().await;
    assert_eq!(rec.shown_keys(), ["info:auth-expired", "info:auth-expired"]);
    assert_eq!(rec.withdrawn_keys(), ["info:auth-expired"]);
}
