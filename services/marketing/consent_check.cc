#include "services/marketing/consent_check.h"

#include <algorithm>
#include <map>

#include "common/api/resource.h"
#include "common/client/peer_call.h"
#include "services/marketing/segment_rules.h"

namespace crm::marketing {
namespace {

// BatchCheckContactPermissions takes at most this many partners.
constexpr size_t kBatch = 1000;

}  // namespace

absl::StatusOr<std::vector<bool>> CheckContactable(
    partners::PartnersClient& client, absl::Time deadline, v1::Channel channel, absl::Time now,
    const std::vector<std::string>& partners,
    google::protobuf::RepeatedPtrField<v1::ExclusionCount>* exclusions) {
  std::vector<bool> allowed(partners.size(), false);
  std::map<int, int> excluded;
  for (size_t from = 0; from < partners.size(); from += kBatch) {
    partners::v1::BatchCheckContactPermissionsRequest request;
    request.set_channel(ContactChannelOf(channel));
    request.set_purpose(partners::v1::CONTACT_PURPOSE_MARKETING);
    *request.mutable_check_time() = api::MicrosToTimestamp(api::TimeToMicros(now));
    const size_t to = std::min(partners.size(), from + kBatch);
    for (size_t i = from; i < to; ++i) request.add_partners(partners[i]);
    absl::StatusOr<partners::v1::BatchCheckContactPermissionsResponse> decisions =
        client.BatchCheckContactPermissions(request, deadline);
    if (!decisions.ok()) {
      return client::PeerFailure(decisions.status(), "partners", "check consent");
    }
    for (int i = 0; i < decisions->decisions_size() && from + i < to; ++i) {
      const partners::v1::ContactDecision& decision = decisions->decisions(i);
      allowed[from + i] = decision.allowed();
      if (!decision.allowed()) ++excluded[decision.reason()];
    }
  }
  for (const auto& [reason, count] : excluded) {
    v1::ExclusionCount* exclusion = exclusions->Add();
    exclusion->set_reason(static_cast<partners::v1::ContactDecisionReason>(reason));
    exclusion->set_count(count);
  }
  return allowed;
}

}  // namespace crm::marketing
