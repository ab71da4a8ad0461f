// Asks partners, in batches, whether partners may be contacted through a
// channel for marketing: when a target group is built and again when a
// wave is released, so that consent withdrawn in between is honoured.
#ifndef CRM_SERVICES_MARKETING_CONSENT_CHECK_H_
#define CRM_SERVICES_MARKETING_CONSENT_CHECK_H_

#include <google/protobuf/repeated_field.h>

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "crm/marketing/v1/segment.pb.h"
#include "services/partners/client/partners_client.h"

namespace crm::marketing {

// One flag per partner in `partners` (names, no repeats): whether it may be
// contacted at `now`. Those that may not are counted by reason into
// `exclusions`. UNAVAILABLE when partners cannot be reached.
absl::StatusOr<std::vector<bool>> CheckContactable(
    partners::PartnersClient& client, absl::Time deadline, v1::Channel channel, absl::Time now,
    const std::vector<std::string>& partners,
    google::protobuf::RepeatedPtrField<v1::ExclusionCount>* exclusions);

}  // namespace crm::marketing

#endif  // CRM_SERVICES_MARKETING_CONSENT_CHECK_H_
