//! POST /api/v1/authn and its follow-ups.

use serde_json::json;

use crate::emulator::support::{MFA_SECRET, start, totp_now};

#[tokio::test]
async fn success_returns_a_session_token_and_the_user() {
    let h = start().await;
    let (status, body) = h.authn("ada@example.com", "correct-horse").await;
    assert_eq!(status, 200);
    assert_eq!(body["status"], "SUCCESS");
    assert!(body["sessionToken"].as_str().unwrap().len() > 20);
    assert!(body["expiresAt"].as_str().unwrap().ends_with('Z'));
    assert_eq!(
        body["_embedded"]["user"]["profile"]["login"],
        "ada@example.com"
    );
    assert!(
        body["_embedded"]["user"]["id"]
            .as_str()
            .unwrap()
            .starts_with("00u")
    );
    assert_eq!(h.emu.counters().authn, 1);
}

#[tokio::test]
async fn bad_credentials_and_missing_fields_use_okta_errors() {
    let h = start().await;
    let (status, body) = h.authn("ada@example.com", "wrong").await;
    assert_eq!(status, 401);
    assert_eq!(body["errorCode"], "E0000004");
    assert_eq!(body["errorSummary"], "Authentication failed");
    assert_eq!(body["errorLink"], "E0000004");
    assert!(body["errorId"].is_string());
    assert_eq!(body["errorCauses"], json!([]));
    let (status, _) = h.authn("nobody@example.com", "correct-horse").await;
    assert_eq!(status, 401);
    let (status, body) = h
        .post_json(
            &h.okta("/api/v1/authn"),
            json!({"username": "ada@example.com"}),
        )
        .await;
    assert_eq!(status, 400);
    assert_eq!(body["errorCode"], "E0000001");
    assert_eq!(body["errorSummary"], "Api validation failed: password");
    let response = h
        .http
        .post(h.okta("/api/v1/authn"))
        .body("nope")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 400);
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["errorCode"], "E0000003");
}

#[tokio::test]
async fn password_warn_is_skipped_to_success() {
    let h = start().await;
    let (status, body) = h.authn("warn@example.com", "correct-horse").await;
    assert_eq!(
        (status.as_u16(), body["status"].as_str()),
        (200, Some("PASSWORD_WARN"))
    );
    let skip = body["_links"]["skip"]["href"].as_str().unwrap();
    assert_eq!(skip, h.okta("/api/v1/authn/skip"));
    assert!(
        body["_links"]["cancel"]["href"]
            .as_str()
            .unwrap()
            .starts_with("http://127.0.0.1:")
    );
    let state_token = body["stateToken"].as_str().unwrap();
    let (status, body) = h.post_json(skip, json!({"stateToken": state_token})).await;
    assert_eq!(status, 200);
    assert_eq!(body["status"], "SUCCESS");
    assert!(body["sessionToken"].is_string());
    let (status, body) = h.post_json(skip, json!({"stateToken": state_token})).await;
    assert_eq!(
        (status.as_u16(), body["errorCode"].as_str()),
        (401, Some("E0000011"))
    );
    assert_eq!(h.emu.counters().authn_skip, 2);
}

#[tokio::test]
async fn warn_before_password_expired_false_hides_password_warn() {
    let h = start().await;
    let body = json!({"username": "warn@example.com", "password": "correct-horse",
        "options": {"multiOptionalFactorEnroll": false, "warnBeforePasswordExpired": false}});
    let (_, body) = h.post_json(&h.okta("/api/v1/authn"), body).await;
    assert_eq!(body["status"], "SUCCESS");
}

#[tokio::test]
async fn terminal_statuses_are_reported() {
    let h = start().await;
    let (_, body) = h.authn("expired@example.com", "correct-horse").await;
    assert_eq!(body["status"], "PASSWORD_EXPIRED");
    assert!(body["_links"].get("skip").is_none());
    assert!(body["stateToken"].is_string());
    let (status, body) = h.authn("locked@example.com", "correct-horse").await;
    assert_eq!(
        (status.as_u16(), body["status"].as_str()),
        (200, Some("LOCKED_OUT"))
    );
    assert!(body.get("stateToken").is_none());
    let (_, body) = h
        .authn("enroll-required@example.com", "correct-horse")
        .await;
    assert_eq!(body["status"], "MFA_ENROLL");
    assert!(body["_links"].get("skip").is_none());
    assert_eq!(body["_embedded"]["factors"][0]["enrollment"], "REQUIRED");
    let (status, err) = h
        .post_json(
            &h.okta("/api/v1/authn/skip"),
            json!({"stateToken": body["stateToken"]}),
        )
        .await;
    assert_eq!(
        (status.as_u16(), err["errorCode"].as_str()),
        (403, Some("E0000079"))
    );
}

#[tokio::test]
async fn optional_enrollment_can_be_skipped() {
    let h = start().await;
    let (_, body) = h.authn("enroll@example.com", "correct-horse").await;
    assert_eq!(body["status"], "MFA_ENROLL");
    let skip = body["_links"]["skip"]["href"].as_str().unwrap();
    let (_, body) = h
        .post_json(skip, json!({"stateToken": body["stateToken"]}))
        .await;
    assert_eq!(body["status"], "SUCCESS");
}

#[tokio::test]
async fn mfa_required_is_answered_with_totp() {
    let h = start().await;
    let (_, body) = h.authn("mfa@example.com", "correct-horse").await;
    assert_eq!(body["status"], "MFA_REQUIRED");
    let factor = &body["_embedded"]["factors"][0];
    assert_eq!(factor["factorType"], "token:software:totp");
    let verify = factor["_links"]["verify"]["href"].as_str().unwrap();
    assert_eq!(
        verify,
        h.okta(&format!(
            "/api/v1/authn/factors/{}/verify",
            factor["id"].as_str().unwrap()
        ))
    );
    let state_token = body["stateToken"].clone();
    let (status, err) = h
        .post_json(
            verify,
            json!({"stateToken": state_token, "passCode": "000000"}),
        )
        .await;
    assert_eq!(
        (status.as_u16(), err["errorCode"].as_str()),
        (403, Some("E0000068"))
    );
    assert_eq!(err["errorSummary"], "Invalid Passcode/Answer");
    let code = totp_now(MFA_SECRET);
    let (status, body) = h
        .post_json(verify, json!({"stateToken": state_token, "passCode": code}))
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["status"], "SUCCESS");
    assert!(body["sessionToken"].is_string());
    assert_eq!(h.emu.counters().factor_verify, 2);
}

#[tokio::test]
async fn unknown_state_token_is_e0000011() {
    let h = start().await;
    let url = h.okta("/api/v1/authn/factors/uftwhatever/verify");
    let (status, body) = h
        .post_json(
            &url,
            json!({"stateToken": "00expired", "passCode": "123456"}),
        )
        .await;
    assert_eq!(
        (status.as_u16(), body["errorCode"].as_str()),
        (401, Some("E0000011"))
    );
    assert_eq!(body["errorSummary"], "Invalid token provided");
    let (status, body) = h
        .post_json(&h.okta("/api/v1/authn"), json!({"stateToken": "00expired"}))
        .await;
    assert_eq!(
        (status.as_u16(), body["errorCode"].as_str()),
        (401, Some("E0000011"))
    );
}

#[tokio::test]
async fn authn_introspect_reads_the_transaction() {
    let h = start().await;
    let (_, body) = h.authn("warn@example.com", "correct-horse").await;
    let token = body["stateToken"].as_str().unwrap();
    let url = h.okta("/api/v1/authn/introspect");
    let (status, state) = h.post_json(&url, json!({"stateToken": token})).await;
    assert_eq!(status, 200);
    assert_eq!(state["status"], "PASSWORD_WARN");
    assert_eq!(state["stateToken"], token);
    let (status, body) = h.post_json(&url, json!({"stateToken": "00nope"})).await;
    assert_eq!(
        (status.as_u16(), body["errorCode"].as_str()),
        (401, Some("E0000011"))
    );
}

#[tokio::test]
async fn an_expired_password_is_changed_and_then_used() {
    let h = start().await;
    let (_, body) = h.authn("expired@example.com", "correct-horse").await;
    assert_eq!(body["status"], "PASSWORD_EXPIRED");
    let token = body["stateToken"].as_str().unwrap();
    let href = body["_links"]["next"]["href"].as_str().unwrap();
    assert_eq!(href, h.okta("/api/v1/authn/credentials/change_password"));
    let change =
        |old: &str, new: &str| json!({"stateToken": token, "oldPassword": old, "newPassword": new});
    let (status, err) = h
        .post_json(href, change("wrong-pass", "brand-new-pass"))
        .await;
    assert_eq!(
        (status.as_u16(), err["errorCode"].as_str()),
        (403, Some("E0000014"))
    );
    let (status, err) = h.post_json(href, change("correct-horse", "short")).await;
    assert_eq!(
        (status.as_u16(), err["errorCode"].as_str()),
        (403, Some("E0000080"))
    );
    assert!(
        err["errorCauses"][0]["errorSummary"]
            .as_str()
            .unwrap()
            .contains("at least 8 characters")
    );
    let (status, body) = h
        .post_json(href, change("correct-horse", "brand-new-pass"))
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["status"], "SUCCESS");
    assert!(body["sessionToken"].is_string());
    let (status, _) = h.authn("expired@example.com", "correct-horse").await;
    assert_eq!(status, 401, "the old password no longer works");
    let (status, body) = h.authn("expired@example.com", "brand-new-pass").await;
    assert_eq!(status, 200);
    assert_eq!(body["status"], "SUCCESS", "no longer expired");
}

#[tokio::test]
async fn change_password_needs_an_expired_or_warned_transaction() {
    let h = start().await;
    let (_, body) = h.authn("mfa@example.com", "correct-horse").await;
    let token = body["stateToken"].as_str().unwrap();
    let body =
        json!({"stateToken": token, "oldPassword": "correct-horse", "newPassword": "another-pass"});
    let url = h.okta("/api/v1/authn/credentials/change_password");
    let (status, err) = h.post_json(&url, body).await;
    assert_eq!(
        (status.as_u16(), err["errorCode"].as_str()),
        (403, Some("E0000079"))
    );
    let (_, body) = h.authn("warn@example.com", "correct-horse").await;
    let token = body["stateToken"].as_str().unwrap();
    let (status, err) = h.post_json(&url, json!({"stateToken": token})).await;
    assert_eq!(
        (status.as_u16(), err["errorCode"].as_str()),
        (400, Some("E0000001"))
    );
}
