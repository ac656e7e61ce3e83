//! `login`, `logout` and `status`.

use std::io::IsTerminal;
use std::sync::Arc;

use placet_client::protocol::Agent;
use placet_client::{ApiError, Credential, RestClient, Secret};
use serde_json::json;

use super::chosen_account;
use super::{
    ask_yes_no, parse_server, read_stdin_line, Exit, Failure, LoginArgs, LogoutArgs, Out,
    PasswordArgs,
};
use crate::app::{authenticate, authenticate_api_key, Addresses, Core, CoreError, QueuedOnSignOut};
use crate::config::{Account, AccountMode};
use crate::text;

/// How long sign-out tries to deliver each queued answer.
const DELIVER_PATIENCE: std::time::Duration = std::time::Duration::from_secs(5);

pub(super) async fn login(core: &Arc<Core>, a: &LoginArgs, out: Out) -> Result<Exit, Failure> {
    let server = parse_server(&a.server, a.allow_insecure_http)?;
    let api = a
        .api_url
        .as_deref()
        .map(|u| parse_server(u, a.allow_insecure_http))
        .transpose()?;
    let addresses = Addresses::find(server, api, a.allow_insecure_http).await?;
    let (account, credential) = if a.api_key_stdin {
        let key = read_stdin_line("api-key")?;
        match authenticate_api_key(addresses, key).await {
            Err(CoreError::Api(ApiError::Unauthorized { .. })) => {
                return Err(Failure::new(
                    Exit::Auth,
                    "wrongCredentials",
                    tr!("cli-api-key-refused"),
                ))
            }
            other => other?,
        }
    } else {
        let email = a.email.clone().unwrap_or_default();
        let password = if a.password_stdin {
            read_stdin_line("password")?
        } else if std::io::stdin().is_terminal() {
            Secret::new(
                rpassword::prompt_password(tr!("cli-password-prompt", email = email.as_str()))
                    .map_err(|e| Failure::new(Exit::Usage, "badInput", e.to_string()))?,
            )
        } else {
            return Err(Failure::new(
                Exit::Usage,
                "badInput",
                tr!("cli-no-terminal-for-password"),
            ));
        };
        match authenticate(addresses, &email, &password).await {
            Err(CoreError::Api(ApiError::Unauthorized { .. })) => {
                return Err(Failure::new(
                    Exit::Auth,
                    "wrongCredentials",
                    tr!("cli-wrong-credentials"),
                ))
            }
            other => other?,
        }
    };
    core.save_sign_in(&account, &credential).await?;
    if account.mode == AccountMode::User {
        let me = RestClient::new(account.api.clone())
            .authenticated(credential.clone())
            .me()
            .await;
        if me.is_ok_and(|u| u.must_change_password) {
            eprintln!("{}", tr!("cli-must-change-password"));
        }
    }
    let watch_only = account.mode == AccountMode::ApiKey;
    let live_line = live_connection_line(&account);
    out.print(
        || {
            let server = account.server.to_string();
            let first = if watch_only {
                tr!("cli-signed-in-watch-only", server = server)
            } else {
                tr!("cli-signed-in", server = server, account = account.name.as_str())
            };
            match &live_line {
                Some(l) => format!("{first}\n{l}"),
                None => first,
            }
        },
        json!({"signedIn": true, "server": account.server.display(), "apiUrl": account.api.display(), "account": account.name, "watchOnly": watch_only}),
    );
    Ok(Exit::Ok)
}

pub(super) async fn logout(core: &Arc<Core>, a: &LogoutArgs, out: Out) -> Result<Exit, Failure> {
    let mut queued = if a.deliver_queued {
        QueuedOnSignOut::Deliver(DELIVER_PATIENCE)
    } else if a.discard_queued {
        QueuedOnSignOut::Discard
    } else {
        QueuedOnSignOut::Ask
    };
    let account = match chosen_account(core) {
        Ok(a) => a,
        Err(CoreError::NotSignedIn) => {
            out.print(
                || tr!("cli-status-not-signed-in"),
                json!({"signedOut": true}),
            );
            return Ok(Exit::Ok);
        }
        Err(e) => return Err(e.into()),
    };
    let waiting = core.queued_answers(&account).await.unwrap_or(0);
    if waiting > 0 && queued == QueuedOnSignOut::Ask && std::io::stdin().is_terminal() {
        queued = if ask_yes_no(&tr!("cli-logout-deliver-ask", count = waiting)) {
            QueuedOnSignOut::Deliver(DELIVER_PATIENCE)
        } else if ask_yes_no(&tr!("cli-logout-discard-ask")) {
            QueuedOnSignOut::Discard
        } else {
            return Err(Failure::new(
                Exit::Failure,
                "answersQueued",
                tr!("cli-logout-kept"),
            ));
        };
    }
    let saved = core.saved_credential(&account).await.ok().flatten();
    core.sign_out(&account, queued).await?;
    if let Some((account, Credential::Jwt(token))) = &saved {
        // Best effort: the server only clears its cookie; the entry went either way.
        let _ = RestClient::new(account.api.clone())
            .authenticated(Credential::Jwt(token.clone()))
            .logout()
            .await;
    }
    out.print(
        || {
            tr!(
                "cli-signed-out",
                server = account.server.to_string(),
                account = account.name.as_str()
            )
        },
        json!({"signedOut": true, "server": account.server.display(), "account": account.name}),
    );
    Ok(Exit::Ok)
}

/// The account of the message `message_id`: the one `--account` names, the only one, or
/// else the first whose server has the message (each asked in turn).
pub(super) async fn signed_in_for_message(
    core: &Arc<Core>,
    message_id: &str,
) -> Result<(Account, RestClient), Failure> {
    match chosen_account(core) {
        Err(CoreError::WhichAccount(_)) => {}
        _ => return signed_in(core).await,
    }
    for account in core.accounts() {
        let Some((account, credential)) = core.saved_credential(&account).await? else {
            continue;
        };
        let rest = RestClient::new(account.api.clone()).authenticated(credential);
        match rest.message(message_id).await {
            Ok(_) => return Ok((account, rest)),
            Err(e) => tracing::debug!(error = %e, server = %account.host(), "not on this server"),
        }
    }
    Err(CoreError::NoReview(message_id.to_owned()).into())
}

/// The account the command means ([`chosen_account`]) and a client signed in as it.
pub(super) async fn signed_in(core: &Arc<Core>) -> Result<(Account, RestClient), Failure> {
    let account = chosen_account(core)?;
    match core.saved_credential(&account).await? {
        Some((account, credential)) => {
            let rest = RestClient::new(account.api.clone()).authenticated(credential);
            Ok((account, rest))
        }
        None => Err(CoreError::NotSignedIn.into()),
    }
}

/// `status`: the account `--account` names, or every account, each with its connection,
/// its pending reviews and its queue. JSON: the (first) account's fields at the top, and
/// every account under `accounts`.
pub(super) async fn status(core: &Arc<Core>, out: Out) -> Result<Exit, Failure> {
    let accounts = match super::CHOSEN_ACCOUNT.get().and_then(|a| a.as_deref()) {
        Some(_) => vec![chosen_account(core)?],
        None => core.accounts(),
    };
    let mut texts = Vec::new();
    let mut jsons = Vec::new();
    let mut code = Exit::Ok;
    for account in &accounts {
        let (text, json, exit) = match core.saved_credential(account).await? {
            Some((account, credential)) => {
                let rest = RestClient::new(account.api.clone()).authenticated(credential);
                status_of(core, &account, &rest).await
            }
            None => (
                tr!("cli-status-not-signed-in"),
                json!({"signedIn": false, "server": account.server.display(), "account": account.name}),
                Exit::Auth,
            ),
        };
        if code == Exit::Ok {
            code = exit;
        }
        texts.push(text);
        jsons.push(json);
    }
    let Some(first) = jsons.first().cloned() else {
        out.print(
            || tr!("cli-status-not-signed-in"),
            json!({"signedIn": false, "accounts": []}),
        );
        return Ok(Exit::Auth);
    };
    let mut json = first;
    json["accounts"] = serde_json::Value::Array(jsons);
    out.print(|| texts.join("\n\n"), json);
    Ok(code)
}

/// One account's status: its words, its JSON, and the exit code it calls for.
async fn status_of(
    core: &Arc<Core>,
    account: &Account,
    rest: &RestClient,
) -> (String, serde_json::Value, Exit) {
    let queued = core.queued_answers(account).await.unwrap_or(0);
    let mut agents: Vec<Agent> = Vec::new();
    let (reachable, pending, user, problem) = match account.mode {
        AccountMode::User => match rest.me().await {
            Ok(user) => {
                let pending = rest.pending_reviews().await.map(|p| p.len()).ok();
                agents = rest.agents().await.unwrap_or_default();
                (true, pending, Some(user), None)
            }
            Err(e) => (
                !matches!(e, ApiError::Network { .. }),
                None,
                None,
                Some(Failure::from(e)),
            ),
        },
        AccountMode::ApiKey => match rest.agent_agents().await {
            Ok(list) => {
                let mut n = 0;
                for a in &list {
                    n += rest
                        .agent_pending_reviews(&a.id)
                        .await
                        .map(|p| p.len())
                        .unwrap_or(0);
                }
                agents = list;
                (true, Some(n), None, None)
            }
            Err(e) => (
                !matches!(e, ApiError::Network { .. }),
                None,
                None,
                Some(Failure::from(e)),
            ),
        },
    };
    let name = user
        .as_ref()
        .and_then(|u| u.display_name.clone())
        .unwrap_or_default();
    let text = {
        let server = account.server.to_string();
        let who = account.name.as_str();
        let mut lines = vec![if name.is_empty() {
            tr!("cli-status-signed-in", server = server, account = who)
        } else {
            tr!(
                "cli-status-signed-in-named",
                server = server,
                account = who,
                name = name.as_str()
            )
        }];
        if let Some(l) = live_connection_line(account) {
            lines.push(l);
        }
        if account.mode == AccountMode::ApiKey {
            lines.push(tr!("cli-status-watch-only"));
        }
        lines.push(match (&problem, reachable) {
            (None, _) => tr!("cli-status-server-reachable"),
            (Some(p), true) => tr!("cli-status-server-problem", reason = p.message.as_str()),
            (Some(p), false) => {
                tr!("cli-status-server-unreachable", reason = p.message.as_str())
            }
        });
        if let Some(p) = pending {
            lines.push(tr!("cli-status-pending", count = p));
        }
        lines.push(tr!("cli-status-queued", count = queued));
        if !agents.is_empty() {
            lines.push(tr!("cli-status-agents"));
            for a in &agents {
                lines.push(format!("  {}", text::agent_line(a)));
            }
        }
        lines.join("\n")
    };
    let json = json!({
        "signedIn": true, "server": account.server.display(), "apiUrl": account.api.display(),
        "account": account.name, "watchOnly": account.mode == AccountMode::ApiKey, "reachable": reachable,
        "sessionValid": problem.is_none(), "pending": pending, "queued": queued,
        "problem": problem.as_ref().map(|p| json!({"code": p.kind, "message": p.message})),
        "agents": agents.iter().map(|a| json!({
            "id": a.id, "name": a.name, "status": a.status,
            "statusMessage": a.status_message, "statusSince": a.status_since,
        })).collect::<Vec<_>>(),
    });
    let code = problem.map_or(Exit::Ok, |p| p.code);
    (text, json, code)
}

/// "Live connection: <api address>" when it is not the web address.
fn live_connection_line(account: &Account) -> Option<String> {
    (account.api != account.server)
        .then(|| tr!("cli-live-connection", address = account.api.to_string()))
}

/// `password`: a new password, the current one checked by the server.
pub(super) async fn password(
    core: &Arc<Core>,
    a: &PasswordArgs,
    out: Out,
) -> Result<Exit, Failure> {
    let (account, rest) = signed_in(core).await?;
    if account.mode == AccountMode::ApiKey {
        return Err(CoreError::from(crate::decide::Refusal::WatchOnly).into());
    }
    let (current, new) = if a.stdin {
        (
            read_stdin_line("current-password")?,
            read_stdin_line("new-password")?,
        )
    } else if std::io::stdin().is_terminal() {
        let ask = |prompt: String| {
            rpassword::prompt_password(prompt)
                .map(Secret::new)
                .map_err(|e| Failure::new(Exit::Usage, "badInput", e.to_string()))
        };
        let current = ask(tr!("cli-password-current-prompt"))?;
        let new = ask(tr!("cli-password-new-prompt"))?;
        if ask(tr!("cli-password-again-prompt"))?.expose() != new.expose() {
            return Err(Failure::new(
                Exit::Usage,
                "badInput",
                tr!("cli-passwords-differ"),
            ));
        }
        (current, new)
    } else {
        return Err(Failure::new(
            Exit::Usage,
            "badInput",
            tr!("cli-no-terminal-for-passwords"),
        ));
    };
    rest.change_password(&current, &new).await?;
    out.print(|| tr!("cli-password-changed"), json!({"changed": true}));
    Ok(Exit::Ok)
}
