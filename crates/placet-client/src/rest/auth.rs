//! Signing in and the session: probe, login, `me`, refresh, logout, the Socket.IO
//! ticket, and the password.

use reqwest::{Method, StatusCode};
use serde::Deserialize;
use serde_json::json;

use super::limit::Route;
use super::wire::{check_status, decode, network_error, session_cookie};
use super::{Body, RestClient};
use crate::error::ApiError;
use crate::protocol::User;
use crate::secret::Secret;

impl RestClient {
    /// Checks that the URL answers like a Placet API: `GET /api/auth/me` without a
    /// credential must be refused with 401 (a web server that is not Placet answers 404,
    /// or 200 with a page). A redirect is reported as [`ApiError::Redirect`], with the
    /// address to use instead.
    pub async fn probe(&self) -> Result<(), ApiError> {
        let resp = self
            .http
            .get(self.base.join("api/auth/me"))
            .send()
            .await
            .map_err(network_error)?;
        let status = resp.status();
        if status == StatusCode::UNAUTHORIZED {
            Ok(())
        } else if status.is_redirection() {
            // "Use https://…" is worth more to the person than "not Placet".
            check_status(resp, "GET /api/auth/me").await.map(|_| ())
        } else {
            Err(ApiError::Decode {
                message: format!(
                    "this does not look like a Placet server (GET /api/auth/me answered {status})"
                ),
            })
        }
    }

    /// Signs in. The JWT is taken from the `access_token` cookie; it is not in the body.
    pub async fn login(&self, email: &str, password: &Secret) -> Result<(User, Secret), ApiError> {
        let url = self.base.join("api/auth/login");
        self.may_send_credentials(&url)?;
        let route = Route::new(Method::POST, "api/auth/login");
        self.gate.check(&route)?;
        let sent = self
            .http
            .post(url)
            .json(&json!({"email": email, "password": password.expose()}))
            .send()
            .await
            .map_err(network_error);
        let resp = match sent {
            Ok(resp) => check_status(resp, "POST /api/auth/login").await,
            Err(e) => Err(e),
        };
        self.gate.record(&route, &resp);
        let resp = resp?;
        let token = session_cookie(resp.headers()).ok_or_else(|| ApiError::Decode {
            message: "the server signed in but set no access_token cookie".to_owned(),
        })?;
        let user: crate::protocol::user::UserEnvelope = decode(resp).await?;
        Ok((user.user, token))
    }

    /// The signed-in user.
    pub async fn me(&self) -> Result<User, ApiError> {
        let env: crate::protocol::user::UserEnvelope = self
            .call_json(
                Method::GET,
                "api/auth/me",
                self.url("api/auth/me"),
                Body::None,
            )
            .await?;
        Ok(env.user)
    }

    /// Renews the session: returns the user and the new JWT from the fresh cookie.
    pub async fn refresh(&self) -> Result<(User, Option<Secret>), ApiError> {
        let resp = self
            .call(
                Method::POST,
                "api/auth/refresh",
                self.url("api/auth/refresh"),
                Body::None,
            )
            .await?;
        let token = session_cookie(resp.headers());
        let env: crate::protocol::user::UserEnvelope = decode(resp).await?;
        Ok((env.user, token))
    }

    /// Signs out on the server (the JWT itself stays valid until it expires).
    pub async fn logout(&self) -> Result<(), ApiError> {
        self.call(
            Method::POST,
            "api/auth/logout",
            self.url("api/auth/logout"),
            Body::None,
        )
        .await?;
        Ok(())
    }

    /// A short-lived (30 s) ticket for the Socket.IO handshake.
    pub async fn ws_ticket(&self) -> Result<Secret, ApiError> {
        #[derive(Deserialize)]
        struct Ticket {
            ticket: String,
        }
        let path = "api/auth/ws-ticket";
        let t: Ticket = self
            .call_json(Method::POST, path, self.url(path), Body::None)
            .await?;
        Ok(Secret::new(t.ticket))
    }

    /// Changes the signed-in person's password (`POST /api/auth/change-password`); this
    /// also clears [`User::must_change_password`]. A wrong `current` password is
    /// [`ApiError::WrongPassword`] (not a lost sign-in), a `new` one the server finds too
    /// short is [`ApiError::BadRequest`]: both carry the server's words.
    pub async fn change_password(&self, current: &Secret, new: &Secret) -> Result<(), ApiError> {
        let path = "api/auth/change-password";
        let body = json!({
            "currentPassword": current.expose(),
            "newPassword": new.expose(),
        });
        match self
            .call(Method::POST, path, self.url(path), Body::Json(body))
            .await
        {
            Ok(_) => Ok(()),
            // The guard's 401 ("Unauthorized") means the session is gone; any other 401
            // is the route's own "Current password is incorrect".
            Err(ApiError::Unauthorized { message }) if message != "Unauthorized" => {
                Err(ApiError::WrongPassword { message })
            }
            Err(e) => Err(e),
        }
    }
}
