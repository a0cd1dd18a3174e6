"""What a person reads when a step is refused: the sentence beside a field (``PROBLEM``, by the
problem's stable code) and the summary above a form (``ERROR``, by the error code). Re-exported by
``labels``, which the templates use. Imports: web.i18n only.
"""

from __future__ import annotations

from clearance.web.i18n import N_

PROBLEM = {
    "required": N_("This is required."),
    "choice": N_("Choose one of the options."),
    "date": N_("Enter a date."),
    "date_future": N_("The date is in the future."),
    "date_order": N_("The end is before the start."),
    "date_before_birth": N_("The date is before the date of birth."),
    "gap": N_("There is a gap in the history; every month of the period must be covered."),
    "overlap": N_("This period overlaps another entry."),
    "too_old": N_("The date is too far in the past."),
    "duplicate_spouse": N_("Only one spouse may be recorded."),
    "inconsistent": N_("The answer and the listed records disagree."),
    "unknown_field": N_("This question is not part of the questionnaire."),
    "unknown_section": N_("There is no such section."),
    "too_long": N_("The text is too long."),
    "invalid_character": N_("Remove control or invisible characters (such as zero-width spaces)."),
    "format_serial": N_("The number form must contain # exactly once, where the number goes."),
    "format_invalid": N_("Use text and # only, at most 40 characters."),
    "too_many": N_("There are too many entries."),
    "invalid": N_("The value is not valid."),
    "expired": N_("This has expired."),
    "range": N_("The value is out of range."),
    "criterion_unmet": N_("A certification criterion is not met."),
    "custodian": N_("The custodian does not meet the conditions."),
    "cancelled": N_("This has been cancelled."),
    "duplicate": N_("The same person appears twice."),
    "unknown": N_("Not found."),
    "date_range": N_("Date it between the start of the designation and today."),
    "dispatcher": N_(
        "Choose the business that dispatches the worker, not your own company or an agency."
    ),
    "encoding": N_("Save the file as CSV in UTF-8 or Shift_JIS (Excel: CSV UTF-8, or CSV)."),
    "not_found": N_("Not found."),
    "backdated": N_("The start may not be more than a month in the past."),
    "term_too_long": N_(
        "A term is at most {term} years from the start; choose an earlier expiry date."
    ),
    "extension_too_long": N_(
        "Each extension is at most {extension} years; choose an earlier expiry date."
    ),
    "cabinet_approval_required": N_(
        "Beyond {cap} years in total, enter the date and reference of the Cabinet approval."
    ),
    "basis": N_("The recipient does not fit the legal basis chosen."),
    "no_contract": N_(
        "An Art. 10 provision needs a contract in force with the company that "
        "covers this designation. Make the contract first on the certification "
        "page."
    ),
    "no_provision": N_(
        "This organisation has no provision of the designation; the designating "
        "agency must record one first (Arts. 6, 10)."
    ),
    "same_person": N_("The witness must be a different person from the one who destroys it."),
    "member": N_("Choose a member of the organisation holding the material."),
    "not_operator": N_("Only a business operator can be certified."),
    "not_agency": N_("Choose an administrative organ."),
    "not_staff": N_(
        "Only the agency's own staff can be nominated here; a company's employees "
        "come through the company's roster."
    ),
    "agency": N_("Every assessment on a roster must be for the roster's agency."),
    "agencies": N_("Report one incident per designating agency."),
    "not_applicable": N_("A favourable result carries no reasons."),
    "met": N_("State whether the criterion is met."),
}
ERROR = {
    "validation_failed": N_("Some entries need attention; see the messages beside the fields."),
    "invalid_transition": N_("This step is not possible in the current status."),
    "not_authorized": N_("Your role does not allow this."),
    "not_found": N_("Not found, or not visible to you."),
    "conflict": N_(
        "Someone else changed this at the same time, or it already exists. Reload and try again."
    ),
    "csrf_failed": N_("The form expired. Reload the page and try again."),
    "throttled": N_("Too many attempts. Wait a moment and try again."),
    "infrastructure": N_("The service is unavailable. Try again later."),
}
