//! Connecting: the state machine between connections (backoff, auth expiry, commands)
//! and one connect attempt (credential, handshake, namespace acknowledgement).

use std::time::Duration;

use chrono::Utc;
use rust_socketio::asynchronous::Client as SocketClient;
use serde_json::json;
use tokio::time::{sleep_until, timeout, Instant};

use super::socket::{connect_error_message, short, socket_builder};
use super::{Command, End, Runner, SessionState, SocketSignal};
use crate::error::ApiError;
use crate::rest::Credential;

impl Runner {
    pub(super) fn set_state(&self, s: SessionState) {
        tracing::info!(state = ?s, "session state");
        self.state.send_replace(s);
    }

    pub(super) async fn run(mut self) {
        let mut attempt: u32 = 0;
        loop {
            let end = match self.connect().await {
                Ok(client) => {
                    attempt = 0;
                    let end = self.serve(&client).await;
                    // A dead transport can make the close hang; it is only a courtesy.
                    let _ = timeout(Duration::from_secs(1), client.disconnect()).await;
                    end
                }
                Err(end) => end,
            };
            match end {
                End::Shutdown => return,
                End::ReconnectNow => {
                    attempt = 0;
                    self.set_state(SessionState::Connecting);
                    continue;
                }
                End::AuthExpired => {
                    self.set_state(SessionState::AuthExpired);
                    match self.next_command().await {
                        Command::Shutdown => return,
                        Command::ReconnectNow | Command::ResyncNow => {
                            attempt = 0;
                            self.set_state(SessionState::Connecting);
                            continue;
                        }
                    }
                }
                End::Failed {
                    reason,
                    offline,
                    retry_after,
                } => {
                    attempt = attempt.saturating_add(1);
                    // The server's Retry-After (a rate-limited ticket) is waited out.
                    let delay = self
                        .config
                        .backoff
                        .next_delay(attempt)
                        .max(retry_after.unwrap_or(Duration::ZERO));
                    let retry_at = Utc::now()
                        + chrono::Duration::from_std(delay).unwrap_or(chrono::Duration::zero());
                    tracing::warn!(%reason, attempt, delay_ms = delay.as_millis() as u64, "connection failed; retrying");
                    self.set_state(if offline {
                        SessionState::Offline {
                            attempt,
                            retry_at,
                            reason,
                        }
                    } else {
                        SessionState::Reconnecting {
                            attempt,
                            retry_at,
                            reason,
                        }
                    });
                    let deadline = Instant::now() + delay;
                    loop {
                        tokio::select! {
                            _ = sleep_until(deadline) => break,
                            cmd = self.commands.recv() => match cmd {
                                None | Some(Command::Shutdown) => return,
                                Some(Command::ReconnectNow) => { attempt = 0; break; }
                                Some(Command::ResyncNow) => {}
                            },
                            // Signals of the dead socket are drained and ignored.
                            _ = self.sock_rx.recv() => {}
                        }
                    }
                }
            }
        }
    }

    async fn next_command(&mut self) -> Command {
        loop {
            tokio::select! {
                cmd = self.commands.recv() => return cmd.unwrap_or(Command::Shutdown),
                _ = self.sock_rx.recv() => {}
            }
        }
    }

    /// One connect attempt: credential, handshake, namespace acknowledgement.
    async fn connect(&mut self) -> Result<SocketClient, End> {
        if let Err(e) = self.rest.base().check_transport() {
            // Never reached through `ServerUrl::parse`; kept so no path can send a
            // ticket or key in the clear.
            return Err(End::failed(e.to_string(), true));
        }
        let auth = match self.rest.credential() {
            Some(Credential::Jwt(_)) => match self.rest.ws_ticket().await {
                Ok(ticket) => json!({ "token": ticket.expose() }),
                Err(e) if e.is_auth() => return Err(End::AuthExpired),
                Err(e) => return Err(failed_api("cannot get a connection ticket", &e)),
            },
            Some(Credential::ApiKey(key)) => json!({ "apiKey": key.expose() }),
            None => return Err(End::AuthExpired),
        };

        self.generation += 1;
        let generation = self.generation;
        let address = self.rest.base().join("socket.io/");
        let builder = socket_builder(
            address.as_str(),
            auth,
            self.sock_tx.clone(),
            generation,
            self.skipped.clone(),
        );
        let client = match timeout(self.config.connect_timeout, builder.connect()).await {
            Ok(Ok(c)) => c,
            Ok(Err(e)) => {
                return Err(End::failed(
                    format!("cannot open the connection: {e}"),
                    true,
                ))
            }
            Err(_) => {
                return Err(End::failed(
                    "the server did not complete the handshake in time",
                    true,
                ))
            }
        };

        // Wait for the namespace acknowledgement (`connect`) or its refusal.
        let deadline = Instant::now() + self.config.connect_timeout;
        let outcome = loop {
            tokio::select! {
                _ = sleep_until(deadline) => break Err(End::failed(
                    "the server did not accept the connection in time",
                    false,
                )),
                cmd = self.commands.recv() => match cmd {
                    None | Some(Command::Shutdown) => break Err(End::Shutdown),
                    Some(Command::ReconnectNow) => break Err(End::ReconnectNow),
                    Some(Command::ResyncNow) => {}
                },
                signal = self.sock_rx.recv() => {
                    let Some((g, signal)) = signal else { break Err(End::Shutdown) };
                    if g != generation {
                        continue;
                    }
                    match signal {
                        SocketSignal::Connected => break Ok(()),
                        SocketSignal::Closed => break Err(End::failed(
                            "the server closed the connection",
                            false,
                        )),
                        SocketSignal::Error(text) => break Err(self.connect_error(&text)),
                        SocketSignal::Event(name, _) => {
                            tracing::debug!(event = %name, "event before connect ignored");
                        }
                    }
                }
            }
        };
        match outcome {
            Ok(()) => Ok(client),
            Err(end) => {
                let _ = timeout(Duration::from_secs(1), client.disconnect()).await;
                Err(end)
            }
        }
    }

    /// Classifies an error reported while connecting.
    fn connect_error(&self, text: &str) -> End {
        match connect_error_message(text) {
            Some(message) if message == "unauthorized" => {
                // With a user sign-in, the next attempt fetches a fresh ticket (and
                // finds out whether the sign-in itself expired). An API key that is
                // refused will not become valid by retrying.
                if matches!(self.rest.credential(), Some(Credential::ApiKey(_))) {
                    End::AuthExpired
                } else {
                    End::failed("the server refused the connection ticket", false)
                }
            }
            Some(message) => End::failed(
                format!("the server refused the connection: {message}"),
                false,
            ),
            None => End::failed(format!("connection error: {}", short(text)), false),
        }
    }
}

fn failed_api(what: &str, e: &ApiError) -> End {
    End::Failed {
        reason: format!("{what}: {e}"),
        offline: matches!(e, ApiError::Network { .. }),
        retry_after: e.retry_after(),
    }
}
