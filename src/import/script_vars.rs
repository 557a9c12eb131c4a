//! What a test script stores: `pm.environment.set(...)` and the like
//! become captures (or suite values), and `pm.sendRequest` the request it
//! sends with what its callback stores.

use oxc_ast::ast::{Argument, Expression};
use oxc_span::GetSpan;
use serde_json::{Value as Json, json};

use super::checks::Sent;
use super::js::{arg, string};
use super::scope::Val;
use super::script_reader::{Ctx, ELEMENT, Reader};
use super::sent::{request_object, request_value};
use super::value::eval;
use super::vars::looks_secret;

impl<'s, 'a> Reader<'s, 'a> {
    /// `pm.sendRequest(request, (err, res) => ...)`: the request, the
    /// variables its callback sets from `res`, and what it asserts of
    /// `res` (checks of that response, not of the script's own).
    pub(super) fn send_request(
        &mut self,
        e: &'s Expression<'a>,
        args: &'s [Argument<'a>],
        cx: &Ctx,
    ) {
        let request = arg(args, 0).and_then(|r| request_value(r, &self.consts));
        let Some(request) = request.and_then(request_object) else {
            self.other(e.span(), "pm.sendRequest");
            return;
        };
        let own = std::mem::take(&mut self.checks);
        if let Some(f) = arg(args, 1) {
            self.scope.push();
            self.scope.declare(ELEMENT, Val::Response);
            self.callback(f, &[1], cx);
            self.scope.pop();
        }
        let mut of_sent = std::mem::replace(&mut self.checks, own);
        let mut captures = std::mem::take(&mut of_sent.captures);
        captures.extend(std::mem::take(&mut of_sent.guarded_captures));
        // What its callback sends or sets in turn belongs to the script.
        self.checks.sent.append(&mut of_sent.sent);
        self.checks.sets.extend(std::mem::take(&mut of_sent.sets));
        for note in std::mem::take(&mut of_sent.notes) {
            self.note(note);
        }
        self.checks.sent.push(Sent {
            request,
            captures,
            checks: Box::new(of_sent),
        });
    }

    /// `pm.environment.set("id", json.id)`: a capture.
    pub(super) fn set(&mut self, e: &'s Expression<'a>, args: &'s [Argument<'a>], cx: &Ctx) {
        let Some(name) = arg(args, 0).and_then(string) else {
            self.other(e.span(), "variable set with a computed name");
            return;
        };
        let value = arg(args, 1).map_or(Val::Unknown, |v| eval(v, &self.scope));
        let secret = looks_secret(&name);
        if let (Some(why), Val::Lit(_) | Val::Unknown | Val::Var(_)) = (&cx.cond, &value) {
            self.other(e.span(), why.clone());
            return;
        }
        let capture = match value {
            Val::Json(p) if secret => json!({"json": p, "secret": true}),
            Val::Json(p) => Json::String(p),
            Val::Header(h) if secret => json!({"header": h, "secret": true}),
            Val::Header(h) => json!({"header": h}),
            Val::Lit(v) => {
                if cx.cond.is_none() {
                    self.checks.sets.insert(name, v);
                }
                self.other(e.span(), "variable set to a value of the script");
                return;
            }
            _ => {
                self.other(e.span(), "variable set from a computed value");
                return;
            }
        };
        if let Some(why) = &cx.cond {
            self.checks.guarded_captures.insert(name, capture);
            self.other(e.span(), why.clone());
            return;
        }
        if let Some(g) = &cx.guard {
            self.note(g.clone());
        }
        self.checks.captures.insert(name, capture);
    }
}
