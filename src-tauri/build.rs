fn main() {
    // Declaring the app's commands makes each one a permission (`allow-<command>`), so the
    // capability files can grant every window only the commands it uses. The list is the
    // core's command table (`placet_tray_core::ipc::CommandName::ALL`); a test checks it.
    let manifest = tauri_build::AppManifest::new().commands(&[
        "review_get",
        "review_respond",
        "review_open",
        "review_open_web",
        "attachment_download",
        "link_open",
        "inbox_list",
        "inbox_open",
        "app_status",
        "server_check",
        "sign_in",
        "sign_in_api_key",
        "sign_out",
        "settings_get",
        "settings_set",
        "settings_open",
        "proposal_get",
        "proposal_decide",
        "oauth_get",
        "oauth_open",
        "change_password",
        "retry_delivery",
        "history_list",
        "review_snooze",
        "conversation_get",
        "conversation_send",
        "conversation_attach",
    ]);
    tauri_build::try_build(tauri_build::Attributes::new().app_manifest(manifest))
        .expect("tauri build step");
}
