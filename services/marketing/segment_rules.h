// The rules of segments and target groups that need no storage: criteria
// validation, the partners query a segment becomes, the match of one
// partner, and the reproducible control-group split.
#ifndef CRM_SERVICES_MARKETING_SEGMENT_RULES_H_
#define CRM_SERVICES_MARKETING_SEGMENT_RULES_H_

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "common/errors.h"
#include "crm/marketing/v1/segment.pb.h"
#include "crm/partners/v1/consent.pb.h"
#include "crm/partners/v1/partner.pb.h"
#include "google/type/date.pb.h"

namespace crm::marketing {

void ValidateSegment(const v1::Segment& segment, const std::string& path, Violations* out);

// The ListPartners filter that narrows the partners read to the criteria
// partners can filter on (category, role, country, industry, customer
// class); MatchesCriteria decides the rest.
std::string PartnersFilter(const v1::SegmentCriteria& criteria);

// Whether an active partner meets every criterion on `today` (for ages).
bool MatchesCriteria(const v1::SegmentCriteria& criteria, const partners::v1::Partner& partner,
                     const google::type::Date& today);

// Age in whole years on `today` of someone born on `birth`.
int AgeOn(const google::type::Date& birth, const google::type::Date& today);

// Where to reach `partner` through `channel`: its default (else first)
// e-mail address; phone number; mobile number for SMS; postal address on
// one line ("street, postal code city, country"). Empty when it has none.
std::string ContactAddress(const partners::v1::Partner& partner, v1::Channel channel);

// The partner's city and country: from its default (else first) address.
std::pair<std::string, std::string> CityAndCountry(const partners::v1::Partner& partner);

// The consent channel of a marketing channel; unspecified for web.
partners::v1::ContactChannel ContactChannelOf(v1::Channel channel);

// Which of `partners` (names) fall in the control group: the
// `share_percent` (rounded) with the lowest keys of a hash of seed and
// name. The same names and seed always give the same split, whatever
// their order.
std::vector<bool> SplitControlGroup(const std::vector<std::string>& partners, int share_percent,
                                    int64_t seed);

}  // namespace crm::marketing

#endif  // CRM_SERVICES_MARKETING_SEGMENT_RULES_H_
