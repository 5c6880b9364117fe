"""The places of service and the modifiers every practice bills with.

The place-of-service codes are CMS's public list (the codes assigned as of 2026); the
modifiers are the HCPCS Level II modifiers and the CPT modifiers a practice uses most.
Every description here is our own short wording, not the code set's official text.
``is_ncci_associated`` marks the modifiers the NCCI policy manual lets bypass a PTP edit
whose modifier indicator is 1 (anatomic, global-surgery and the 59/X{EPSU} family, 27, 91).
Rows already present keep their text: a practice may have reworded them.
"""

from django.db import migrations

PLACES_OF_SERVICE = [
    ("01", "Pharmacy", "A pharmacy giving drugs or services such as immunisations."),
    ("02", "Telehealth outside the home", "Telehealth; the patient is not at home (e.g. at a clinic)."),
    ("03", "School", "A school facility."),
    ("04", "Homeless shelter", "A shelter for people without housing."),
    ("05", "Indian Health Service, free-standing", "An IHS facility not part of a hospital."),
    ("06", "Indian Health Service, provider-based", "An IHS facility part of a hospital."),
    ("07", "Tribal 638, free-standing", "A tribally run facility (Public Law 93-638) not part of a hospital."),
    ("08", "Tribal 638, provider-based", "A tribally run facility (Public Law 93-638) part of a hospital."),
    ("09", "Prison or correctional facility", "A jail, prison or detention centre."),
    ("10", "Telehealth in the patient's home", "Telehealth; the patient is at home or another private place."),
    ("11", "Office", "The practice's office (not a hospital, clinic or facility)."),
    ("12", "Home", "The patient's home (not a facility)."),
    ("13", "Assisted living facility", "Housing with help for daily living, not nursing care."),
    ("14", "Group home", "A residence with shared living and supervision."),
    ("15", "Mobile unit", "A vehicle fitted to give care."),
    ("16", "Temporary lodging", "A hotel, campground or other short stay lodging."),
    ("17", "Walk-in retail health clinic", "A clinic in a retail store, seen without appointment."),
    ("18", "Place of employment (worksite)", "The patient's workplace."),
    ("19", "Outpatient hospital, off campus", "A hospital's outpatient department away from its campus."),
    ("20", "Urgent care facility", "A facility for unscheduled, walk-in urgent care."),
    ("21", "Inpatient hospital", "A hospital, the patient admitted."),
    ("22", "Outpatient hospital, on campus", "A hospital's outpatient department on its campus."),
    ("23", "Emergency room (hospital)", "A hospital's emergency department."),
    ("24", "Ambulatory surgical center", "A free-standing surgery centre."),
    ("25", "Birthing center", "A facility for childbirth outside a hospital."),
    ("26", "Military treatment facility", "A facility of the uniformed services."),
    ("27", "Outreach site or street", "Care given at an outreach site or on the street."),
    ("31", "Skilled nursing facility", "A facility giving skilled nursing or rehabilitation (Part A stay)."),
    ("32", "Nursing facility", "A facility giving long-term nursing care."),
    ("33", "Custodial care facility", "A facility giving room, board and personal help."),
    ("34", "Hospice", "A facility for end-of-life care."),
    ("41", "Ambulance, land", "A land ambulance."),
    ("42", "Ambulance, air or water", "An air or water ambulance."),
    ("49", "Independent clinic", "A clinic not part of a hospital, giving outpatient care."),
    ("50", "Federally qualified health center", "An FQHC."),
    ("51", "Inpatient psychiatric facility", "A psychiatric facility, the patient admitted."),
    ("52", "Psychiatric facility, partial hospitalisation", "Day psychiatric care."),
    ("53", "Community mental health center", "A CMHC."),
    ("54", "Intermediate care facility (intellectual disabilities)", "An ICF/IID."),
    ("55", "Residential substance use treatment facility", "Residential care for substance use."),
    ("56", "Psychiatric residential treatment center", "A residential psychiatric centre."),
    ("57", "Non-residential substance use treatment facility", "Outpatient care for substance use."),
    ("58", "Non-residential opioid treatment facility", "An opioid treatment programme."),
    ("60", "Mass immunization center", "A site giving vaccines to many people."),
    ("61", "Comprehensive inpatient rehabilitation facility", "Inpatient rehabilitation."),
    ("62", "Comprehensive outpatient rehabilitation facility", "Outpatient rehabilitation (CORF)."),
    ("65", "End-stage renal disease treatment facility", "A dialysis facility."),
    ("66", "PACE center", "A Programs of All-Inclusive Care for the Elderly centre."),
    ("71", "Public health clinic", "A state or local public health clinic."),
    ("72", "Rural health clinic", "A certified rural health clinic."),
    ("81", "Independent laboratory", "A laboratory not part of a hospital or the office."),
    ("99", "Other place of service", "A place not listed above."),
]

# (code, description, NCCI-associated)
MODIFIERS = [
    ("22", "More work than the procedure usually takes", False),
    ("24", "Unrelated E/M visit in a postoperative period", True),
    ("25", "Separate, significant E/M visit the same day as a procedure", True),
    ("26", "Professional part of a service only", False),
    ("27", "More than one hospital outpatient E/M visit the same day", True),
    ("33", "Preventive service (no patient cost share)", False),
    ("47", "Anesthesia given by the surgeon", False),
    ("50", "Both sides (bilateral procedure)", False),
    ("51", "More than one procedure at the same session", False),
    ("52", "Service reduced at the provider's choice", False),
    ("53", "Procedure stopped before completion", False),
    ("54", "Surgical care only", False),
    ("55", "Postoperative care only", False),
    ("56", "Preoperative care only", False),
    ("57", "E/M visit where the decision for surgery was made", True),
    ("58", "Staged or related procedure in a postoperative period", True),
    ("59", "Distinct procedure (different session, site or lesion)", True),
    ("62", "Two surgeons", False),
    ("76", "Same procedure repeated by the same physician", False),
    ("77", "Same procedure repeated by another physician", False),
    ("78", "Unplanned return to the operating room, related procedure", True),
    ("79", "Unrelated procedure in a postoperative period", True),
    ("80", "Assistant surgeon", False),
    ("82", "Assistant surgeon when no resident was available", False),
    ("90", "Laboratory test done by an outside laboratory", False),
    ("91", "Same laboratory test repeated the same day", True),
    ("92", "Alternative laboratory platform testing", False),
    ("93", "Synchronous telemedicine by audio only", False),
    ("95", "Synchronous telemedicine by audio and video", False),
    ("AS", "Assistant at surgery: physician assistant or nurse practitioner", False),
    ("CR", "Catastrophe or disaster related", False),
    ("CS", "Cost sharing waived (public health emergency testing)", False),
    ("E1", "Upper left eyelid", True),
    ("E2", "Lower left eyelid", True),
    ("E3", "Upper right eyelid", True),
    ("E4", "Lower right eyelid", True),
    ("EP", "Service under the Medicaid EPSDT programme", False),
    ("F1", "Left hand, second finger", True),
    ("F2", "Left hand, third finger", True),
    ("F3", "Left hand, fourth finger", True),
    ("F4", "Left hand, fifth finger", True),
    ("F5", "Right hand, thumb", True),
    ("F6", "Right hand, second finger", True),
    ("F7", "Right hand, third finger", True),
    ("F8", "Right hand, fourth finger", True),
    ("F9", "Right hand, fifth finger", True),
    ("FA", "Left hand, thumb", True),
    ("FS", "Split or shared E/M visit", False),
    ("FT", "Unrelated E/M visit the same day as another (critical care, postoperative)", False),
    ("GA", "Waiver of liability (ABN) on file", False),
    ("GC", "Done in part by a resident under a teaching physician", False),
    ("GQ", "Asynchronous telecommunication (store and forward)", False),
    ("GT", "Interactive audio and video telecommunication", False),
    ("GV", "Attending physician not employed by the hospice", False),
    ("GW", "Service not related to the hospice patient's terminal condition", False),
    ("GX", "Notice of liability given voluntarily (not required)", False),
    ("GY", "Statutorily excluded or not a benefit", False),
    ("GZ", "Expected to be denied as not reasonable and necessary; no ABN", False),
    ("JW", "Drug amount discarded, not given", False),
    ("JZ", "No drug amount discarded", False),
    ("KX", "Requirements of the medical policy met", False),
    ("LC", "Left circumflex coronary artery", True),
    ("LD", "Left anterior descending coronary artery", True),
    ("LM", "Left main coronary artery", True),
    ("LT", "Left side", True),
    ("Q5", "Substitute physician, reciprocal billing", False),
    ("Q6", "Substitute physician, fee-for-time compensation (locum tenens)", False),
    ("QW", "CLIA-waived test", False),
    ("RC", "Right coronary artery", True),
    ("RI", "Ramus intermedius coronary artery", True),
    ("RT", "Right side", True),
    ("SA", "Nurse practitioner rendering with a collaborating physician", False),
    ("T1", "Left foot, second toe", True),
    ("T2", "Left foot, third toe", True),
    ("T3", "Left foot, fourth toe", True),
    ("T4", "Left foot, fifth toe", True),
    ("T5", "Right foot, great toe", True),
    ("T6", "Right foot, second toe", True),
    ("T7", "Right foot, third toe", True),
    ("T8", "Right foot, fourth toe", True),
    ("T9", "Right foot, fifth toe", True),
    ("TA", "Left foot, great toe", True),
    ("TC", "Technical part of a service only", False),
    ("XE", "Separate encounter", True),
    ("XP", "Separate practitioner", True),
    ("XS", "Separate structure or organ", True),
    ("XU", "Unusual non-overlapping service", True),
]


def add_reference_rows(apps, schema_editor):
    PlaceOfService = apps.get_model("billing", "PlaceOfService")
    Modifier = apps.get_model("billing", "Modifier")
    have = set(PlaceOfService.objects.values_list("code", flat=True))
    PlaceOfService.objects.bulk_create(
        PlaceOfService(code=code, name=name, description=description)
        for code, name, description in PLACES_OF_SERVICE
        if code not in have
    )
    have = set(Modifier.objects.values_list("code", flat=True))
    Modifier.objects.bulk_create(
        Modifier(code=code, description=description, is_ncci_associated=ncci)
        for code, description, ncci in MODIFIERS
        if code not in have
    )


class Migration(migrations.Migration):
    dependencies = [("billing", "0004_claims_out")]

    operations = [migrations.RunPython(add_reference_rows, migrations.RunPython.noop)]
