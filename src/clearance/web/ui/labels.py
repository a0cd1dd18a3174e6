"""Display names for the identifiers the services return (statuses, roles, reason codes, …).

Every value is an English message id marked with ``N_`` so that Babel extracts it; templates show
``_(label(...))``. An identifier without a label shows as itself, and tests/unit/test_i18n.py
checks that every enum value the pages show has one. Imports: ``clearance.domain`` and i18n only.
"""

from __future__ import annotations

from clearance.web.i18n import N_
from clearance.web.ui.problems import ERROR, PROBLEM

__all__ = ["ERROR", "PROBLEM"]

ELIGIBILITY_SOURCE = {"cesi": N_("Result of this agency's assessment"),
                      "sds": N_("Specially Designated Secrets result")}  # fmt: skip
DOCUMENT_KIND = {
    "designation": N_("Designation of Critical Economic Security Information"),
    "result_notice": N_("Notice of the result of the suitability assessment"),
    "employer_notice": N_("Notice of the result to the employer"),
    "certification_notice": N_("Notice of certification as a qualified business operator"),
    "destruction": N_("Certificate of destruction"),
    "handler_register": N_("Register of handlers"),
}

# What an uploaded roster was read as (named in the preview).
# (an encoding's own name, UTF-8 or Shift_JIS (CP932), is the same in both languages).
ENCODING = {"Excel (.xlsx)": N_("Excel workbook (.xlsx)")}

# The result as a notice states it (Act Art. 12(1): whether the person is found not likely to leak).
RESULT_SENTENCE = {
    "favourable": N_("It was found that you are not likely to leak Critical Economic Security "
                     "Information (favourable)."),
    "unfavourable": N_("It was not found that you are not likely to leak Critical Economic "
                       "Security Information (unfavourable)."),
    "not_conducted": N_("The assessment was not conducted because consent was not given."),
}  # fmt: skip
EMPLOYER_RESULT = {
    "favourable": N_("Favourable: the employee was found not likely to leak Critical Economic "
                     "Security Information."),
    "unfavourable": N_("Unfavourable."),
    "not_conducted": N_("The assessment was not conducted because consent was not given."),
}  # fmt: skip

STATUS = {
    "listing_consent_pending": N_("Waiting for the employee's consent to listing"),
    "listing_declined": N_("Employee declined listing"),
    "listed": N_("Listed by the employer"),
    "roster_submitted": N_("Roster submitted to the agency"),
    "consent_pending": N_("Waiting for the person's consent"),
    "consent_refused": N_("Consent refused"),
    "consented": N_("Consented"),
    "investigation_requested": N_("Investigation requested"),
    "questionnaire_open": N_("Questionnaire open"),
    "questionnaire_submitted": N_("Questionnaire submitted"),
    "inquiries": N_("Inquiries"),
    "interviewed": N_("Interviewed"),
    "reported": N_("Investigation reported"),
    "decision_proposed": N_("Decision proposed"),
    "decided": N_("Decided"),
    "result_notified": N_("Result notified"),
    "withdrawn": N_("Consent withdrawn"),
    # employer view
    "in_progress": N_("In progress"),
    "favourable": N_("Favourable"),
    "unfavourable": N_("Unfavourable"),
    "not_conducted": N_("Not conducted"),
    "suspended": N_("Suspended"),
    # certification
    "proposed": N_("Proposed"),
    "applied": N_("Applied"),
    "under_review": N_("Under review"),
    "certified": N_("Certified"),
    "refused": N_("Refused"),
    "change_review": N_("Change under review"),
    "cancelled": N_("Cancelled"),
    # materials, incidents, complaints
    "held": N_("Held"),
    "in_transit": N_("In transit"),
    "destroyed": N_("Destroyed"),
    "investigating": N_("Investigating"),
    "closed": N_("Closed"),
    "filed": N_("Filed"),
    "answered": N_("Answered"),
    "in_force": N_("In force"),
    "expired": N_("Expired"),
}

COMMAND = {
    "record_listing_consent": N_("Record listing consent"),
    "decline_listing": N_("Record that the employee declined"),
    "submit_roster": N_("Submit roster"),
    "issue_notice": N_("Issue the notice of the seven matters"),
    "consent": N_("I consent"),
    "refuse": N_("I do not consent"),
    "withdraw": N_("Withdraw my consent"),
    "request_investigation": N_("Request investigation by the Cabinet Office"),
    "reuse_investigation": N_("Reuse a recent investigation"),
    "issue_questionnaire": N_("Open the questionnaire"),
    "submit_questionnaire": N_("Submit the questionnaire"),
    "return_questionnaire": N_("Return sections to the person"),
    "start_inquiries": N_("Record an inquiry"),
    "record_interview": N_("Record the interview"),
    "report": N_("Report to the agency"),
    "propose_decision": N_("Propose a decision"),
    "decide": N_("Decide"),
    "confirm_decision": N_("Confirm the decision"),
    "send_back": N_("Send back to the adjudicator"),
    "notify_result": N_("Notify the result"),
}

PARTY = {
    "employee": N_("The employee"),
    "employer": N_("The employer"),
    "agency": N_("The agency"),
    "person": N_("The person assessed"),
    "investigation_unit": N_("The Cabinet Office investigation unit"),
    "second_official": N_("The second official"),
    "nobody": N_("Nobody (closed)"),
}

# One sentence per status: what happens next, shown under "who acts next" on the case page.
NEXT = {
    "listing_consent_pending": N_("The employer records whether the employee agrees to be listed."),
    "listing_declined": N_("Nothing further: the employee declined to be listed."),
    "listed": N_("The employer submits the roster to the agency."),
    "roster_submitted": N_(
        "The assessment officer issues the notice of the seven matters to the person."
    ),
    "consent_pending": N_("The person reads the notice and consents or refuses."),
    "consent_refused": N_("Nothing further: the assessment is not conducted."),
    "consented": N_("The agency head asks the Cabinet Office to investigate."),
    "investigation_requested": N_("The Cabinet Office investigator issues the questionnaire."),
    "questionnaire_open": N_("The person fills in and submits the questionnaire."),
    "questionnaire_submitted": N_(
        "The investigator reviews the questionnaire and makes inquiries, or returns sections."
    ),
    "inquiries": N_("The investigator makes inquiries and interviews the person."),
    "interviewed": N_(
        "The investigator reports to the agency (further inquiries are still possible)."
    ),
    "reported": N_("An adjudicator proposes the decision."),
    "decision_proposed": N_("A second official confirms the proposed decision or sends it back."),
    "decided": N_("The result is notified to the person (and to the employer, the result only)."),
    "result_notified": N_("Done: the result has been notified. The person may file a complaint."),
    "withdrawn": N_("Nothing further: the person withdrew consent."),
}
RECORD_KIND = {
    "inquiry": N_("Inquiry"),
    "interview": N_("Interview"),
    "report": N_("Investigation report"),
    "reasons": N_("Reasons"),
    "withholding": N_("Why the reasons are withheld"),
    "return_note": N_("Questionnaire returned"),
    "change_report": N_("Report of a change in circumstances"),
    "complaint": N_("Complaint"),
    "complaint_answer": N_("Answer to the complaint"),
}
REFUSAL = {
    "separation_of_duties": N_(
        "You did investigation work on this case, so you may not decide it."
    ),
    "same_official": N_(
        "The decision must be confirmed by a second official, not the one who proposed it."
    ),
    "out_of_scope": N_("This belongs to another organisation."),
    "no_matching_rule": N_("Your role does not include this step."),
    "purpose_not_allowed": N_("Your role may not read this for the purpose given."),
}
TASK_STEP = {
    "record_inquiry": N_("Record an inquiry"),
    "answer_complaint": N_("Answer the complaint"),
}

ROLE = {
    "agency_admin": N_("Agency account administrator"),
    "agency_head_delegate": N_("Agency head (delegate)"),
    "adjudicator": N_("Adjudicator"),
    "assessment_officer": N_("Assessment officer"),
    "cesi_manager": N_("CESI manager"),
    "complaints_officer": N_("Complaints officer"),
    "certification_officer": N_("Certification officer"),
    "unit_admin": N_("Investigation unit administrator"),
    "investigator": N_("Investigator"),
    "investigation_supervisor": N_("Investigation supervisor"),
    "operator_admin": N_("Operator account administrator"),
    "operator_management": N_("Operator management"),
    "security_officer": N_("Security officer"),
    "inspector": N_("Inspector"),
    "statistics_viewer": N_("Statistics viewer"),
    "system_admin": N_("System administrator"),
    "assessed_person": N_("Person assessed"),
}

OUTCOME = {"favourable": N_("Favourable"), "unfavourable": N_("Unfavourable")}
TRIGGER = {"new": N_("New"), "renewal": N_("Renewal"), "doubt": N_("Re-assessment for doubt")}
ORIGIN = {"agency_staff": N_("Agency staff"), "operator_employee": N_("Operator employee")}
MARKING = {"mark": N_("Marked on the material"), "notice": N_("Notified to the holder")}
BASIS = {
    "art6": N_("Art. 6: within the agency"),
    "art8": N_("Art. 8: to another agency"),
    "art9": N_("Art. 9: to a foreign government or international organisation"),
    "art10": N_("Art. 10: to a qualified business operator under contract"),
}
ACCESS_ACTION = {"read": N_("Read"), "copy": N_("Copy"), "transfer": N_("Transfer"),
                 "destroy": N_("Destroy")}  # fmt: skip
INVITATION = {
    "listed": N_(
        "You are on a roster for a suitability assessment; the agency will send you the notice."
    ),
    "notice": N_("Read the notice of the matters investigated and choose whether to consent."),
    "questionnaire": N_("Fill in and submit the questionnaire."),
    "returned": N_("Sections of your questionnaire were returned: change them and submit again."),
    "result": N_("The result of your assessment is ready to read."),
}
CUSTODY_EVENT = {
    "receipt": N_("Registered on receipt"), "copy": N_("Copy made"),
    "transfer": N_("Sent to another organisation"), "return": N_("Sent back to the agency"),
    "acknowledge": N_("Receipt confirmed"), "destroy": N_("Destroyed"),
    "inventory": N_("Found in an inventory"),
}  # fmt: skip
MATERIAL_KIND = {"document": N_("Document"), "file": N_("Electronic file"), "medium": N_("Medium")}
INCIDENT_KIND = {"loss": N_("Loss"), "leak": N_("Leak"), "suspected_leak": N_("Suspected leak"),
                 "discrepancy": N_("Inventory discrepancy")}  # fmt: skip
COMPLAINT_SUBJECT = {"result": N_("The result"), "process": N_("The process")}
CRITERION = {
    "internal_rules": N_("Internal rules for protecting CESI"),
    "responsible_persons": N_("Responsible persons appointed"),
    "training": N_("Training of handlers"),
    "facilities": N_("Facilities and custody"),
    "foreign_ownership_influence": N_("No foreign ownership or influence of concern"),
}
CERT_STEP = {
    "start_review": N_("Start review"),
    "certify": N_("Certify"),
    "refuse": N_("Refuse"),
    "accept_change": N_("Accept the change"),
    "suspend": N_("Suspend"),
    "resume": N_("Resume"),
    "cancel": N_("Cancel the certification"),
}
REASON = {
    "designation_not_in_force": N_("The designation is not in force at this time."),
    "no_eligibility": N_("No valid suitability assessment by the designating agency."),
    "suspended": N_("Suspended from handling pending a re-assessment."),
    "not_handler": N_("Not a designated handler of this designation."),
    "duties_not_acknowledged": N_("Has not acknowledged the duties and the penalties for a leak."),
    "training_overdue": N_("Required training is missing or overdue."),
    "contract_not_in_force": N_("No contract in force covering this designation."),
    "department_not_authorised": N_("The handler's department is not authorised by the contract."),
    "material_not_held": N_("The material is not held by the person's organisation."),
}
FIELD = {
    "family_name": N_("Family name"), "given_name": N_("Given name"),
    "date_of_birth": N_("Date of birth"), "address": N_("Address"),
    "honseki": N_("Registered domicile (honseki)"), "current": N_("Current nationalities"),
    "history": N_("Nationality history"), "nationality": N_("Nationality"), "from": N_("From"),
    "to": N_("To"), "naturalised_on": N_("Naturalised on"), "members": N_("Members"),
    "relation": N_("Relation"), "name": N_("Name"), "nationalities": N_("Nationalities"),
    "former_nationalities": N_("Former nationalities"), "entries": N_("Entries"),
    "kind": N_("Kind"), "organisation": N_("Organisation"), "start": N_("Start"), "end": N_("End"),
    "country": N_("Country"), "accounts": N_("Accounts"), "institution": N_("Institution"),
    "residences": N_("Residences"), "has_records": N_("Is there anything to declare?"),
    "records": N_("Records"), "date": N_("Date"), "description": N_("Description"),
}  # fmt: skip
CHOICE = {
    "spouse": N_("Spouse"), "de_facto_spouse": N_("De facto spouse"), "father": N_("Father"),
    "mother": N_("Mother"), "child": N_("Child"), "sibling": N_("Sibling"),
    "spouse_parent": N_("Spouse's parent"), "spouse_child": N_("Spouse's child"),
    "cohabitant": N_("Cohabitant"), "employed": N_("Employed"), "part_time": N_("Part-time"),
    "self_employed": N_("Self-employed"), "student": N_("Student"),
    "unemployed": N_("Not working"), "other": N_("Other"),
}  # fmt: skip
OK = {
    "saved": N_("Saved."),
    "done": N_("Done."),
    "submitted": N_("Submitted."),
    "saved_with_problems": N_(
        "Saved. Some answers in this section need attention; see the messages beside the fields."
    ),
}


def label(table: dict[str, str], value: object) -> str:
    key = getattr(value, "value", value)
    return table.get(str(key), str(key))


MATTER = {
    1: N_("Links to harmful activities (including family and cohabitants)"),
    2: N_("Criminal and disciplinary record"),
    3: N_("Information-handling violations"),
    4: N_("Drug misuse"),
    5: N_("Mental illness"),
    6: N_("Moderation in drinking"),
    7: N_("Creditworthiness and finances"),
}
NOTICE_KIND = {"matters": N_("Notice of the seven matters"), "result": N_("Notice of the result"),
               "not_conducted": N_("Notice that no assessment was conducted")}  # fmt: skip
RECIPIENT = {"person": N_("The person assessed"), "employer": N_("The employer"),
             "dispatching_employer": N_("The dispatching employer")}  # fmt: skip
CONDITION = {
    "designation_not_in_force": N_("The designation is in force"),
    "no_eligibility": N_("A valid suitability assessment by the designating agency"),
    "suspended": N_("Not suspended from handling"),
    "not_handler": N_("A designated handler of this designation"),
    "duties_not_acknowledged": N_("Duties and penalties acknowledged"),
    "training_overdue": N_("Required training completed and current"),
    "contract_not_in_force": N_("A contract in force covering the designation (companies)"),
    "department_not_authorised": N_("The department is authorised by the contract (companies)"),
    "material_not_held": N_("The material is held by the person's organisation"),
}
# The same text as ``domain.access.RULES[code].article`` (a unit test keeps them equal).
ARTICLE = {
    "designation_not_in_force": N_("Act Art. 3(1), 4 (term and cancellation)"),
    "no_eligibility": N_("Act Art. 11, 12(1)(i)"),
    "suspended": N_("Act Art. 12(1)(iii)"),
    "not_handler": N_("Act Art. 11; model contract Art. 16(2) (need to know)"),
    "duties_not_acknowledged": N_("Operational standards (handler undertaking)"),
    "training_overdue": N_("Act Art. 10(1) (operator's education); regime training rules"),
    "contract_not_in_force": N_("Act Art. 10(1)"),
    "department_not_authorised": N_("Act Art. 10(1); model contract Art. 16(2)"),
    "material_not_held": N_("Custody rules (holder organisation)"),
}
FORM_FIELD = {
    "start_on": N_("Start"), "expires_on": N_("Expires on"), "end_on": N_("End"),
    "document_number": N_("Document number"), "title": N_("Title"),
    "category_code": N_("Category"), "marking": N_("How it is indicated"), "reason": N_("Reason"),
    "basis": N_("Legal basis"), "recipient_org_id": N_("Recipient organisation"),
    "recipient_name": N_("Recipient"), "contract_id": N_("Contract"), "person_id": N_("Person"),
    "agency_id": N_("Agency"), "designation_id": N_("Designation"), "material_id": N_("Material"),
    "action": N_("Action"), "location": N_("Location"), "copy_total": N_("Number of copies"),
    "destroyer_id": N_("Destroyed by"), "witness_id": N_("Witness"), "method": N_("Method"),
    "text": N_("Text"), "subject": N_("About"), "outcome": N_("Result"), "reasons": N_("Reasons"),
    "withhold_justification": N_("Why the reasons are withheld"), "target": N_("Office or organisation asked"),
    "matter": N_("Matter"), "on": N_("Date"), "held_on": N_("Held on"), "summary": N_("Summary"),
    "opinion": N_("Opinion"), "file": N_("CSV file (UTF-8)"), "paper_reference": N_("Reference of the signed form"),
    "sections": N_("Sections to reopen"), "note": N_("Note"), "department": N_("Department"),
    "module_code": N_("Module"), "due_on": N_("Due"), "reference": N_("Contract reference"),
    "departments": N_("Departments"), "sites": N_("Sites"), "operator_id": N_("Operator"),
    "custodian_id": N_("Custodian"), "to_org_id": N_("To organisation"), "assessment_ids": N_("Roster"),
    "cabinet_approval_on": N_("Cabinet approval"), "cabinet_approval_ref": N_("Cabinet approval reference"),
    "findings": N_("Findings"), "checklist": N_("Application: the certification criteria"),
    "rows": N_("Row"), "header": N_("Header"),
}  # fmt: skip
REPORT_SECTION = {
    "designations": N_("Designations"), "provisions": N_("Provisions"),
    "assessments": N_("Suitability assessments"), "results": N_("Results notified"),
    "complaints": N_("Complaints"), "certifications": N_("Certification of operators"),
    "incidents": N_("Incidents"), "oversight": N_("Independent oversight"),
}  # fmt: skip
REPORT_FIGURE = {
    "designations.designate": N_("New designations"),
    "designations.extend": N_("Extensions"),
    "designations.cancel": N_("Cancellations"),
    "designations.expired": N_("Expired"),
    "designations.in_force": N_("In force at the end of the year"),
    "provisions.art6": N_("Art. 6: within the agency"),
    "provisions.art8": N_("Art. 8: to another agency"),
    "provisions.art9": N_("Art. 9: to a foreign government or international organisation"),
    "provisions.art10": N_("Art. 10: to a qualified business operator under contract"),
    "assessments.issue_notice": N_("Persons asked for consent"),
    "assessments.request_investigation": N_("Investigations requested"),
    "assessments.reuse_investigation": N_("Earlier investigations reused"),
    "assessments.refuse": N_("Consent refused"),
    "assessments.withdraw": N_("Consent withdrawn"),
    "results.favourable": N_("Favourable"),
    "results.unfavourable": N_("Unfavourable"),
    "complaints.filed": N_("Complaints filed"),
    "complaints.answered": N_("Complaints answered"),
    "certifications.apply": N_("Applications for certification"),
    "certifications.certify": N_("Certifications granted"),
    "certifications.refuse": N_("Certifications refused"),
    "certifications.suspend": N_("Certifications suspended"),
    "certifications.cancel": N_("Certifications cancelled"),
    "incidents.loss": N_("Loss"),
    "incidents.leak": N_("Leak"),
    "incidents.suspected_leak": N_("Suspected leak"),
    "incidents.discrepancy": N_("Inventory discrepancy"),
    "oversight.correction_requests": N_("Correction requests by the Inspector"),
    "oversight.whistle_reports": N_("Whistle-blowing reports received"),
}
STAGE = {
    "listing": N_("Listing"), "consent": N_("Consent"), "investigation": N_("Investigation"),
    "adjudication": N_("Adjudication"), "notification": N_("Notification"),
}  # fmt: skip
REMINDER_KIND = {
    "designation_expiry": N_("Designation nearing expiry"),
    "eligibility_expiry": N_("Eligibility nearing its end"),
    "training_due": N_("Training due"),
    "inventory_due": N_("Inventory due"),
    "complaint_waiting": N_("Complaint waiting"),
}
INSPECTION_STATUS = {
    "open": N_("Open"), "correction_requested": N_("Correction requested"),
    "responded": N_("Agency responded"), "closed": N_("Closed"),
}  # fmt: skip
