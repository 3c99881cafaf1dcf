//! Removal of non-article lines (share bars, comment forms, blog navigation,
//! advertising labels) from normalized article text.
//!
//! This module owns the rule table [`RULES`] and the line-by-line pass that
//! applies it. It must never remove prose: a rule only ever matches a whole,
//! short line (at most [`MAX_WORDS`] words), so a long line is always kept, and
//! a line holding a full date is always kept because the date extractor needs
//! it. It must not rewrite the lines it keeps (normalization is `text.rs`), and
//! it expects text already passed through `text::normalize` (ASCII quotes,
//! single spaces, `\n` line breaks).
//!
//! # Adding a rule
//!
//! Add one [`Rule`] line to [`RULES`]: a unique kebab-case `name` (it is what
//! callers report), a [`Kind`], a `pattern` and an `example`. The pattern is a
//! `regex` pattern written in lower case; it is matched case-insensitively
//! against the whole trimmed line (it is wrapped in `^(?:…)$`), so it never
//! needs anchors. After normalization quotes are ASCII, but an ellipsis may be
//! either `...` or `…`: accept both. The `example` is a line the rule must
//! remove; the test suite checks every example, so a new rule is tested as soon
//! as it is added. Add a test of a prose line it must keep if the pattern is
//! loose.

use std::sync::OnceLock;

use regex::{Regex, RegexSet, RegexSetBuilder};

/// One line removed as boilerplate, and the rule that removed it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Removed {
    /// Name of the rule that matched, as listed in the rule table.
    pub rule: &'static str,
    /// The removed line, trimmed.
    pub line: String,
}

/// Text with boilerplate removed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stripped {
    /// The kept lines, paragraphs still separated by one blank line, with no
    /// leading or trailing blank line.
    pub text: String,
    /// Every removed line, in document order.
    pub removed: Vec<Removed>,
}

/// Lines with more words than this are never checked against the rules.
const MAX_WORDS: usize = 15;

/// Lines longer than this (in bytes) are never checked against the rules.
const MAX_LINE_BYTES: usize = 300;

/// What a rule does with a line it matches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// Remove the line wherever it appears.
    Drop,
    /// Remove the line and open a comment section: from here to the end of
    /// the text, [`Kind::CommentChrome`] rules apply too.
    OpensComments,
    /// Remove the line only inside a comment section (words like "Reply" or
    /// "Name *" that are chrome there but could be real text elsewhere).
    CommentChrome,
}

/// A named boilerplate rule; see the module documentation to add one.
struct Rule {
    /// Unique kebab-case name, reported in [`Removed::rule`].
    name: &'static str,
    /// Where the rule applies.
    kind: Kind,
    /// Lower-case regex matched against the whole line, case-insensitively.
    pattern: &'static str,
    /// A line this rule must remove (checked by the tests).
    #[cfg_attr(not(test), allow(dead_code))]
    example: &'static str,
}

/// The rule table. When several rules match a line, the first one listed
/// names the removal.
#[rustfmt::skip]
const RULES: &[Rule] = &[
    // --- Comment section openers -------------------------------------------
    Rule { name: "leave-a-reply", kind: Kind::OpensComments, pattern: r"leave a (?:reply|comment|response)(?: to .{1,80}?)?(?: cancel reply)?[.:]?", example: "Leave a Reply" },
    Rule { name: "comment-count", kind: Kind::OpensComments, pattern: r"no comments(?: yet)?[.:!]?|(?:\d+|one) comments?[.:]?", example: "No comments:" },
    Rule { name: "post-a-comment", kind: Kind::OpensComments, pattern: r"(?:post|add|write|submit) (?:a |your |new )?comment[.:!]?|join the (?:discussion|conversation)[.:!]?", example: "Post a Comment" },
    Rule { name: "comments-heading", kind: Kind::OpensComments, pattern: r"(?:reader )?comments(?: \(\d+\))?:?|responses:?|\d* ?replies:?", example: "Comments" },
    Rule { name: "thoughts-on", kind: Kind::OpensComments, pattern: r#"(?:\d+|one|two|three|four|five|six|seven|eight|nine|ten) (?:thoughts?|responses?|comments?|replies|reactions?) (?:on|to) ["'].+["'][.:]?"#, example: "2 thoughts on \"The U.S. Has A Special Relationship With ISIS\"" },
    Rule { name: "comments-closed", kind: Kind::OpensComments, pattern: r"comments (?:are|is) (?:closed|disabled|turned off)(?: for this (?:post|article|story))?\.?", example: "Comments are closed." },
    // --- WordPress comment form -------------------------------------------
    Rule { name: "wp-login-prompt", kind: Kind::Drop, pattern: r"fill in your details below or click an icon to log in:?", example: "Fill in your details below or click an icon to log in:" },
    Rule { name: "wp-account-icon", kind: Kind::Drop, pattern: r"(?:wordpress\.com|google\+?|twitter|facebook) (?:logo|photo|picture|avatar)", example: "WordPress.com Logo" },
    Rule { name: "wp-commenting-as", kind: Kind::Drop, pattern: r"you are commenting using your .{1,40}? account\.?(?: ?\(? ?log ?out ?/ ?change ?\)?)?", example: "You are commenting using your WordPress.com account. Log Out / Change )" },
    Rule { name: "wp-connecting", kind: Kind::Drop, pattern: r"connecting to %s\.*", example: "Connecting to %s" },
    Rule { name: "wp-notify", kind: Kind::Drop, pattern: r"notify me of (?:new |follow-up )?(?:comments|posts|replies)(?: (?:via|by) e-?mail)?\.?", example: "Notify me of new comments via email." },
    Rule { name: "wp-comment-form", kind: Kind::Drop, pattern: r"your email address will not be published\.?(?: required fields are marked \*)?|required fields are marked \*|save my name, email, and website in this browser for the next time i comment\.?|enter your comment here(?:\.\.\.|…)?", example: "Your email address will not be published. Required fields are marked *" },
    // --- Blogger -------------------------------------------------------------
    Rule { name: "blogger-nav", kind: Kind::Drop, pattern: r"newer posts? ?older posts?(?: ?home)?|(?:newer|older) posts? ?home|home", example: "Newer Post Older Post Home" },
    Rule { name: "blogger-subscribe", kind: Kind::Drop, pattern: r"subscribe to:? ?(?:post comments|posts|comments)(?: ?\(atom\))?", example: "Subscribe to: Post Comments (Atom)" },
    Rule { name: "blogger-share-bar", kind: Kind::Drop, pattern: r"(?:email this|blogthis!|share to (?:twitter|facebook|pinterest))(?: ?(?:email this|blogthis!|share to (?:twitter|facebook|pinterest)))*", example: "Email ThisBlogThis!Share to TwitterShare to FacebookShare to Pinterest" },
    Rule { name: "blogger-labels", kind: Kind::Drop, pattern: r"labels?: .+", example: "Labels: Iraq, ISIS" },
    Rule { name: "posted-by-time", kind: Kind::Drop, pattern: r"posted by [^\d]{1,60}? at \d{1,2}:\d{2}(?::\d{2})? ?(?:[ap]\.?m\.?)?(?: [a-z]{2,5})?", example: "Posted by admin at 10:30 AM" },
    Rule { name: "post-tags", kind: Kind::Drop, pattern: r"(?:tags|tagged(?: with)?|filed under|categories|category|topics): .+", example: "Tags: Iraq, ISIS, Syria" },
    // --- Share and like widgets ---------------------------------------------
    Rule { name: "share-this", kind: Kind::Drop, pattern: r"share (?:this|the (?:article|story|post))(?: (?:article|story|post|page))?[.:!]?|sharing is caring!?", example: "Share this:" },
    Rule { name: "like-this", kind: Kind::Drop, pattern: r"like this:?", example: "Like this:" },
    Rule { name: "like-loading", kind: Kind::Drop, pattern: r"(?:like ?)?loading(?:\.\.\.|…)?|be the first to like this\.?|\d+ bloggers? likes? this\.?", example: "Like Loading..." },
    Rule { name: "related", kind: Kind::Drop, pattern: r"related(?: (?:posts|articles|stories|content|reading|news|links))?:?", example: "Related" },
    Rule { name: "share-click-to", kind: Kind::Drop, pattern: r"click to (?:share|email|print|tweet|pin)[^()]{0,80}(?:\(opens in new window\))?", example: "Click to share on Twitter (Opens in new window)" },
    Rule { name: "share-on", kind: Kind::Drop, pattern: r"share (?:on|to|via|with) (?:facebook|twitter|linkedin|reddit|pinterest|whatsapp|e-?mail|tumblr|google\+?|telegram|pocket|flipboard|messenger|x)", example: "Share on Facebook" },
    Rule { name: "share-button", kind: Kind::Drop, pattern: r"tweet(?: this)?|e-?mail(?: this)?|print(?: this)?(?: (?:article|page|story))?|share|shares|\d+ shares?|pin(?: it)?|pinterest|facebook|twitter|linkedin|reddit|whatsapp|tumblr|telegram|pocket|skype|google\+|print friendly(?:,? pdf (?:&|and) email)?", example: "Tweet" },
    Rule { name: "follow-us", kind: Kind::Drop, pattern: r"(?:follow (?:us|me|@\w+)(?: on| at| via)?|(?:like|find) us on) (?:twitter|facebook|instagram|youtube|linkedin|telegram|pinterest|tumblr|gab|google\+?|social media)\b.{0,120}", example: "Follow us on Twitter: @TVsLeaking" },
    // --- Advertising and calls to action -------------------------------------
    Rule { name: "advertisement", kind: Kind::Drop, pattern: r"advertisements?|advert|ads?|sponsored(?: (?:content|links?|post|stories))?|promoted(?: content| stories)?|paid content|(?:story|article) continues below(?: advertisement)?", example: "Advertisement" },
    Rule { name: "read-more", kind: Kind::Drop, pattern: r"(?:read more|continue reading|read the (?:full|rest of the) (?:story|article))(?:(?: ?[:.…»›>→|-]+| at| on| about| here)(?: .{1,150})?)?", example: "Read more:" },
    Rule { name: "subscribe-cta", kind: Kind::Drop, pattern: r"click here to subscribe.{0,100}|subscribe(?: now| today| here| for free)?[.!]?|(?:sign up (?:for|to)|subscribe to) (?:our|the|my) (?:free )?(?:daily |weekly )?(?:e-?mail )?newsletters?.{0,100}", example: "Sign up for our newsletter" },
    // --- Only inside a comment section ---------------------------------------
    Rule { name: "comment-actions", kind: Kind::CommentChrome, pattern: r"reply(?: ↓)?|reply delete|delete|cancel reply|log in to reply|report(?: comment| abuse)?|like|unlike|edit|permalink|flag|load more(?: comments)?(?:\.\.\.|…)?|show (?:more|all) comments|view (?:all )?comments|hide comments", example: "Reply" },
    Rule { name: "comment-author-said", kind: Kind::CommentChrome, pattern: r"[^.!?]{1,60} (?:said|says|wrote)(?:\.\.\.|…|:)", example: "Anonymous said..." },
    Rule { name: "comment-form-field", kind: Kind::CommentChrome, pattern: r"(?:name|e-?mail|email address|website|url|comment|your comment|message|your name)(?: ?\*| ?\(required\))*:?|post comment|submit comment|submit|preview|publish|comment as:?.{0,40}|sign in with .{1,30}|choose an identity|anonymous", example: "Name *" },
];

/// Rule table compiled once into one [`RegexSet`], plus the full-date guard.
struct Compiled {
    set: RegexSet,
    date: Regex,
}

/// A full date: day, month and year ("18 November 2017", "December 12, 2016",
/// "2016-12-12", "12/12/2016"). Lines holding one are never removed.
const FULL_DATE: &str = r"(?i)\b\d{1,2}(?:st|nd|rd|th)?(?: of)? (?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?,? \d{4}\b|\b(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.? \d{1,2}(?:st|nd|rd|th)?,? \d{4}\b|\b\d{4}-\d{1,2}-\d{1,2}\b|\b\d{1,2}[/.]\d{1,2}[/.]\d{2,4}\b";

fn compiled() -> &'static Compiled {
    static COMPILED: OnceLock<Compiled> = OnceLock::new();
    COMPILED.get_or_init(|| Compiled {
        set: RegexSetBuilder::new(RULES.iter().map(|r| format!("^(?:{})$", r.pattern)))
            .case_insensitive(true)
            .build()
            .expect("boilerplate rule patterns are valid (checked by tests)"),
        date: Regex::new(FULL_DATE).expect("FULL_DATE is a valid pattern"),
    })
}

impl Compiled {
    /// The rule that removes `line` (already trimmed), if any.
    fn classify(&self, line: &str, in_comments: bool) -> Option<&'static Rule> {
        if line.len() > MAX_LINE_BYTES || line.split_whitespace().nth(MAX_WORDS).is_some() {
            return None;
        }
        let rule = self
            .set
            .matches(line)
            .iter()
            .filter_map(|i| RULES.get(i))
            .find(|r| in_comments || r.kind != Kind::CommentChrome)?;
        if self.date.is_match(line) {
            return None;
        }
        Some(rule)
    }
}

/// Removes boilerplate lines from text already normalized by
/// `text::normalize`.
///
/// Each line is checked on its own: it is removed only if it has at most 15
/// words and one rule of the table matches it in full (case-insensitively),
/// and never if it holds a full date. A comment-section marker ("Leave a
/// Reply", "No comments:", "Post a Comment", "3 thoughts on \"…\"") is removed
/// and, from there on, comment-form chrome ("Reply", "Name *", "Anonymous
/// said...") is removed too; comment prose is kept. Kept lines are unchanged
/// and keep their paragraph structure; the blank lines left behind collapse
/// so the text has no run of blank lines and no leading or trailing one.
pub fn strip_boilerplate(text: &str) -> Stripped {
    let rules = compiled();
    let mut out = String::with_capacity(text.len());
    let mut removed = Vec::new();
    let mut in_comments = false;
    let mut blank_pending = false;
    for line in text.lines().map(str::trim) {
        if line.is_empty() {
            blank_pending = !out.is_empty();
            continue;
        }
        if let Some(rule) = rules.classify(line, in_comments) {
            in_comments |= rule.kind == Kind::OpensComments;
            removed.push(Removed {
                rule: rule.name,
                line: line.to_owned(),
            });
            continue;
        }
        if !out.is_empty() {
            out.push_str(if blank_pending { "\n\n" } else { "\n" });
        }
        blank_pending = false;
        out.push_str(line);
    }
    Stripped { text: out, removed }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The rule that removes `line` on its own, if any.
    fn rule_for(line: &str) -> Option<&'static str> {
        let s = strip_boilerplate(line);
        match s.removed.as_slice() {
            [] => {
                assert_eq!(s.text, line.trim());
                None
            }
            [one] => {
                assert_eq!(s.text, "");
                Some(one.rule)
            }
            more => panic!("one line removed twice: {more:?}"),
        }
    }

    fn assert_removed(line: &str) {
        assert!(rule_for(line).is_some(), "should be removed: {line:?}");
    }

    fn assert_kept(line: &str) {
        assert_eq!(rule_for(line), None, "should be kept: {line:?}");
    }

    #[test]
    fn rule_table_is_well_formed() {
        let _ = compiled();
        let mut names: Vec<&str> = RULES.iter().map(|r| r.name).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), RULES.len(), "rule names must be unique");
        for rule in RULES {
            assert!(
                rule.name
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b == b'-'),
                "{}",
                rule.name
            );
            assert!(!rule.pattern.is_empty(), "{}", rule.name);
        }
        assert!(
            !compiled().set.matches("").matched_any(),
            "a rule matches the empty line"
        );
    }

    #[test]
    fn every_rule_removes_its_example() {
        for rule in RULES {
            let input = match rule.kind {
                Kind::CommentChrome => format!("Leave a Reply\n\n{}", rule.example),
                Kind::Drop | Kind::OpensComments => rule.example.to_owned(),
            };
            let s = strip_boilerplate(&input);
            assert_eq!(s.text, "", "rule {} left {:?}", rule.name, s.text);
            let last = s.removed.last().map(|r| (r.rule, r.line.as_str()));
            assert_eq!(last, Some((rule.name, rule.example)), "rule {}", rule.name);
        }
    }

    #[test]
    fn comment_chrome_is_kept_outside_comment_sections() {
        for rule in RULES.iter().filter(|r| r.kind == Kind::CommentChrome) {
            assert_kept(rule.example);
        }
    }

    #[test]
    fn removes_leave_a_reply() {
        assert_eq!(rule_for("Leave a Reply"), Some("leave-a-reply"));
        assert_eq!(rule_for("Leave a comment"), Some("leave-a-reply"));
    }

    #[test]
    fn removes_wordpress_login_prompt() {
        assert_eq!(
            rule_for("Fill in your details below or click an icon to log in:"),
            Some("wp-login-prompt")
        );
    }

    #[test]
    fn removes_wordpress_account_icons() {
        for line in [
            "WordPress.com Logo",
            "Google+ photo",
            "Twitter picture",
            "Facebook photo",
        ] {
            assert_eq!(rule_for(line), Some("wp-account-icon"), "{line}");
        }
    }

    #[test]
    fn removes_commenting_as() {
        for account in ["WordPress.com", "Google+", "Twitter", "Facebook"] {
            let line =
                format!("You are commenting using your {account} account. Log Out / Change )");
            assert_eq!(rule_for(&line), Some("wp-commenting-as"), "{line}");
        }
        assert_eq!(
            rule_for("You are commenting using your Twitter account. ( Log Out / Change )"),
            Some("wp-commenting-as")
        );
    }

    #[test]
    fn removes_connecting_to() {
        assert_eq!(rule_for("Connecting to %s"), Some("wp-connecting"));
    }

    #[test]
    fn removes_notify_me() {
        assert_eq!(
            rule_for("Notify me of new comments via email."),
            Some("wp-notify")
        );
        assert_eq!(
            rule_for("Notify me of new posts via email."),
            Some("wp-notify")
        );
        assert_eq!(
            rule_for("Notify me of follow-up comments by email."),
            Some("wp-notify")
        );
    }

    #[test]
    fn removes_wordpress_comment_form() {
        assert_removed(
            "Save my name, email, and website in this browser for the next time I comment.",
        );
        assert_removed("Enter your comment here...");
        assert_removed("Required fields are marked *");
    }

    #[test]
    fn removes_no_comments() {
        assert_eq!(rule_for("No comments:"), Some("comment-count"));
        assert_eq!(rule_for("12 comments:"), Some("comment-count"));
        assert_eq!(rule_for("1 comment:"), Some("comment-count"));
    }

    #[test]
    fn removes_post_a_comment() {
        assert_eq!(rule_for("Post a Comment"), Some("post-a-comment"));
    }

    #[test]
    fn removes_comments_heading() {
        assert_eq!(rule_for("Comments"), Some("comments-heading"));
        assert_eq!(rule_for("Comments (4)"), Some("comments-heading"));
    }

    #[test]
    fn removes_thoughts_on() {
        assert_eq!(
            rule_for("3 thoughts on \"Why ISIS Fighters Were Allowed to Leave Raqqa?\""),
            Some("thoughts-on")
        );
        assert_eq!(
            rule_for("7 Responses to \"The U.S. Has A Special Relationship With ISIS\""),
            Some("thoughts-on")
        );
        assert_eq!(rule_for("One thought on \"Iraq\""), Some("thoughts-on"));
    }

    #[test]
    fn removes_blogger_chrome() {
        assert_eq!(rule_for("Newer Post Older Post Home"), Some("blogger-nav"));
        assert_eq!(rule_for("Older Post Home"), Some("blogger-nav"));
        assert_eq!(
            rule_for("Subscribe to: Post Comments (Atom)"),
            Some("blogger-subscribe")
        );
        assert_eq!(
            rule_for("Email ThisBlogThis!Share to TwitterShare to FacebookShare to Pinterest"),
            Some("blogger-share-bar")
        );
        assert_eq!(rule_for("Labels: Iraq, ISIS"), Some("blogger-labels"));
    }

    #[test]
    fn removes_posted_by_with_only_a_time() {
        assert_eq!(
            rule_for("Posted by admin at 10:30 AM"),
            Some("posted-by-time")
        );
        assert_eq!(
            rule_for("Posted by John Smith at 9:05 pm"),
            Some("posted-by-time")
        );
    }

    #[test]
    fn keeps_lines_with_a_full_date() {
        assert_kept("Posted by admin at 10:30 AM on November 18, 2017");
        assert_kept("Posted by admin on 18 November 2017 at 10:30 AM");
        assert_kept("Labels: 2017-11-18");
        assert_kept("18 November 2017");
        assert_kept("12 December, 2016");
        assert_kept("Saturday, November 18, 2017");
    }

    #[test]
    fn removes_share_and_like_widgets() {
        assert_eq!(rule_for("Share this:"), Some("share-this"));
        assert_eq!(rule_for("Like this:"), Some("like-this"));
        assert_eq!(rule_for("Like Loading..."), Some("like-loading"));
        assert_eq!(rule_for("Like Loading\u{2026}"), Some("like-loading"));
        assert_eq!(rule_for("Related"), Some("related"));
        for site in [
            "Twitter",
            "Facebook",
            "Reddit",
            "LinkedIn",
            "Pinterest",
            "WhatsApp",
        ] {
            let line = format!("Click to share on {site} (Opens in new window)");
            assert_eq!(rule_for(&line), Some("share-click-to"), "{line}");
        }
        for line in [
            "Click to email this to a friend (Opens in new window)",
            "Click to email a link to a friend (Opens in new window)",
            "Click to print (Opens in new window)",
        ] {
            assert_eq!(rule_for(line), Some("share-click-to"), "{line}");
        }
        assert_eq!(rule_for("Share on Facebook"), Some("share-on"));
        assert_eq!(rule_for("Share on Twitter"), Some("share-on"));
        for line in [
            "Tweet", "Email", "Print", "Share", "Facebook", "Twitter", "Pin it",
        ] {
            assert_eq!(rule_for(line), Some("share-button"), "{line}");
        }
    }

    #[test]
    fn removes_follow_us() {
        assert_eq!(
            rule_for("Follow us on Twitter: @TVsLeaking"),
            Some("follow-us")
        );
        assert_eq!(
            rule_for("Follow us on Facebook: https://www.facebook.com/TVsLeaking/"),
            Some("follow-us")
        );
        assert_eq!(rule_for("Like us on Facebook"), Some("follow-us"));
    }

    #[test]
    fn removes_ads_and_calls_to_action() {
        assert_eq!(rule_for("Advertisement"), Some("advertisement"));
        assert_eq!(rule_for("ADVERTISEMENT"), Some("advertisement"));
        assert_eq!(rule_for("Sponsored"), Some("advertisement"));
        assert_eq!(rule_for("Read more:"), Some("read-more"));
        assert_eq!(rule_for("Read more: Iraq war explained"), Some("read-more"));
        assert_eq!(rule_for("Continue reading \u{2192}"), Some("read-more"));
        assert_eq!(rule_for("Click here to subscribe"), Some("subscribe-cta"));
        assert_eq!(
            rule_for("Sign up for our newsletter"),
            Some("subscribe-cta")
        );
        assert_eq!(
            rule_for("Subscribe to our free daily newsletter!"),
            Some("subscribe-cta")
        );
    }

    #[test]
    fn keeps_outlet_signatures() {
        assert_kept(
            "This piece was reprinted by RINF Alternative News with permission or license.",
        );
        assert_kept("This article (The U.S. Has A Special Relationship With ISIS) was written exclusively for The TV's Leaking and may not be reproduced in any way, shape or form without permission from the author.");
    }

    #[test]
    fn keeps_prose_mentioning_widgets() {
        assert_kept("Senator Paul said on Twitter that the comments were misleading and he would share more later.");
        assert_kept("He said on Twitter the comments were false.");
        assert_kept("Related to this, the ministry said the figures were wrong.");
        assert_kept("Share prices fell.");
        assert_kept("Comments by the minister angered Baghdad.");
        assert_kept("Follow the money.");
        assert_kept("No comment.");
        assert_kept("Reply");
    }

    #[test]
    fn keeps_short_real_lines_and_titles() {
        assert_kept("How comforting.");
        assert_kept("Why ISIS Fighters Were Allowed to Leave Raqqa?");
        assert_kept("Iraqi Intelligence: USA Is Supplying ISIS with Weapons, Food");
        assert_kept("Reuters / FBI / Handout via Reuters");
        assert_kept("Twitter's new policy");
    }

    #[test]
    fn long_lines_are_never_removed() {
        let long = "Read more: the coalition said the costs range from four thousand dollars per fighter to twenty thousand for a family";
        assert!(long.split_whitespace().count() > MAX_WORDS);
        assert_kept(long);
        let s = strip_boilerplate(&format!("Leave a Reply\n\n{long}\n\nReply"));
        assert_eq!(s.text, long);
        assert_eq!(s.removed.len(), 2);
    }

    #[test]
    fn comment_section_drops_chrome_but_keeps_comment_prose() {
        let input = "Article text.\n\n2 comments:\n\nAnonymous said...\n\nThis is exactly what I was saying about Raqqa all along, thanks for writing it.\n\nNovember 18, 2017 at 10:02 AM\n\nDelete\n\nReply\n\nAdd comment\n\nLoad more...";
        let s = strip_boilerplate(input);
        assert_eq!(
            s.text,
            "Article text.\n\nThis is exactly what I was saying about Raqqa all along, thanks for writing it.\n\nNovember 18, 2017 at 10:02 AM"
        );
        let rules: Vec<&str> = s.removed.iter().map(|r| r.rule).collect();
        assert_eq!(
            rules,
            [
                "comment-count",
                "comment-author-said",
                "comment-actions",
                "comment-actions",
                "post-a-comment",
                "comment-actions"
            ]
        );
    }

    #[test]
    fn wordpress_tail() {
        let input = "Whether or not a President Trump will be able to put a stop to any of this remains to be seen.\n\nThis article (The U.S. Has A Special Relationship With ISIS) was written exclusively for The TV's Leaking and may not be reproduced in any way, shape or form without permission from the author.\n\nFollow us on Twitter: @TVsLeaking\n\nFollow us on Facebook: https://www.facebook.com/TVsLeaking/\n\nLeave a Reply\n\nFill in your details below or click an icon to log in:\n\nWordPress.com Logo\n\nYou are commenting using your WordPress.com account. Log Out / Change )\n\nGoogle+ photo\n\nYou are commenting using your Google+ account. Log Out / Change )\n\nTwitter picture\n\nYou are commenting using your Twitter account. Log Out / Change )\n\nFacebook photo\n\nYou are commenting using your Facebook account. Log Out / Change )\n\nConnecting to %s";
        let s = strip_boilerplate(input);
        assert_eq!(
            s.text,
            "Whether or not a President Trump will be able to put a stop to any of this remains to be seen.\n\nThis article (The U.S. Has A Special Relationship With ISIS) was written exclusively for The TV's Leaking and may not be reproduced in any way, shape or form without permission from the author."
        );
        assert_eq!(s.removed.len(), 13);
        assert_eq!(s.removed[0].line, "Follow us on Twitter: @TVsLeaking");
        assert_eq!(s.removed[12].rule, "wp-connecting");
    }

    #[test]
    fn wordpress_tail_through_normalize() {
        // As scraped: trailing space, NBSP in "Log Out /\u{a0} Change )".
        let raw = "Last line of the article.\n\nFollow us on Facebook: https://www.facebook.com/TVsLeaking/ \n\nLeave a Reply\n\nYou are commenting using your WordPress.com account. Log Out /\u{a0} Change )\n\nConnecting to %s";
        let s = strip_boilerplate(&super::super::text::normalize(raw));
        assert_eq!(s.text, "Last line of the article.");
        assert_eq!(s.removed.len(), 4);
    }

    #[test]
    fn blogger_tail() {
        let s = strip_boilerplate("...last paragraph?\n\nNo comments:\n\nPost a Comment");
        assert_eq!(s.text, "...last paragraph?");
        let rules: Vec<&str> = s.removed.iter().map(|r| r.rule).collect();
        assert_eq!(rules, ["comment-count", "post-a-comment"]);
    }

    #[test]
    fn blogger_footer() {
        let input = "Article ends here.\n\nPosted by admin at 10:30 AM\n\nEmail ThisBlogThis!Share to TwitterShare to FacebookShare to Pinterest\n\nLabels: Iraq, ISIS\n\nNo comments:\n\nPost a Comment\n\nNewer Post Older Post Home\n\nSubscribe to: Post Comments (Atom)";
        let s = strip_boilerplate(input);
        assert_eq!(s.text, "Article ends here.");
        assert_eq!(s.removed.len(), 7);
    }

    #[test]
    fn wordpress_share_footer() {
        let input = "Final paragraph.\n\nShare this:\n\nClick to share on Twitter (Opens in new window)\nClick to share on Facebook (Opens in new window)\nClick to email this to a friend (Opens in new window)\nClick to print (Opens in new window)\n\nLike this:\n\nLike Loading...\n\nRelated";
        let s = strip_boilerplate(input);
        assert_eq!(s.text, "Final paragraph.");
        assert_eq!(s.removed.len(), 8);
    }

    #[test]
    fn paragraph_structure_is_kept_and_blank_lines_collapse() {
        let input = "Title\n\nAdvertisement\n\nFirst line\nShare\nsecond line.\n\nTweet\n\n\nLast paragraph.\n\nShare this:";
        let s = strip_boilerplate(input);
        assert_eq!(
            s.text,
            "Title\n\nFirst line\nsecond line.\n\nLast paragraph."
        );
        assert!(!s.text.contains("\n\n\n"));
    }

    #[test]
    fn leading_boilerplate_leaves_no_blank_line() {
        let s = strip_boilerplate("Advertisement\n\nTitle\n\nBody.");
        assert_eq!(s.text, "Title\n\nBody.");
    }

    #[test]
    fn nothing_to_strip() {
        let text = "Title\n\nBody line one.\nBody line two.";
        let s = strip_boilerplate(text);
        assert_eq!(s.text, text);
        assert!(s.removed.is_empty());
        assert_eq!(strip_boilerplate("").text, "");
    }
}
