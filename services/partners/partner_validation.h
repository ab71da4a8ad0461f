// Domain rules of a partner: normalisation, validation with field-precise
// violations, and the derived display name. Pure functions, no I/O.
#ifndef CRM_SERVICES_PARTNERS_PARTNER_VALIDATION_H_
#define CRM_SERVICES_PARTNERS_PARTNER_VALIDATION_H_

#include <string>
#include <string_view>

#include "absl/time/civil_time.h"
#include "common/errors.h"
#include "crm/partners/v1/partner.pb.h"

namespace crm::partners {

// Trims surrounding ASCII whitespace of every string field, upper-cases
// country codes, IBANs (also removing their spaces) and BICs, lower-cases the
// domain of e-mail addresses and removes spaces, dashes, parentheses and dots
// from phone numbers. Clears the output-only fields (name, display_name,
// create_time, update_time, etag, roles[].create_time) only when
// `clear_output_only` is true.
void NormalizePartner(v1::Partner* partner, bool clear_output_only);

// Validates a whole (normalised) partner, as created or as merged by an
// update, adding every violation to `out` with its field path below `prefix`
// ("partner" -> "partner.addresses[1].country_code"). `today` bounds the
// dates that must not be in the future.
void ValidatePartner(const v1::Partner& partner, std::string_view prefix,
                     absl::CivilDay today, Violations* out);

// Validates one role on its own ("role" -> "role.customer.price_group").
// That each role type appears once is a rule of the partner, not of the role.
void ValidateRole(const v1::Role& role, std::string_view prefix, Violations* out);

// "Family, Given" (or "Family") for a person, the legal name of an
// organisation, the name of a group; empty without category data.
std::string DisplayName(const v1::Partner& partner);

}  // namespace crm::partners

#endif  // CRM_SERVICES_PARTNERS_PARTNER_VALIDATION_H_
