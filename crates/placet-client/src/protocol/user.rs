use serde::{Deserialize, Serialize};

/// The signed-in person, as `/api/auth/login` and `/api/auth/me` return it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct User {
    pub id: String,
    pub email: String,
    #[serde(default)]
    pub display_name: Option<String>,
    #[serde(default)]
    pub role: Option<String>,
    #[serde(default)]
    pub must_change_password: bool,
}

/// The `{"user": {...}}` envelope of the auth routes.
#[derive(Debug, Deserialize)]
pub(crate) struct UserEnvelope {
    pub user: User,
}
