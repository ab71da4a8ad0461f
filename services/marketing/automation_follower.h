// Follows one service's change feed for the automation rules: each change
// that triggers a rule adds the partner its record names to the rule's
// wave, with consent checked first, once per rule and change.
#ifndef CRM_SERVICES_MARKETING_AUTOMATION_FOLLOWER_H_
#define CRM_SERVICES_MARKETING_AUTOMATION_FOLLOWER_H_

#include <memory>
#include <string>

#include "common/feed/feed_follower.h"
#include "common/server/runtime.h"
#include "services/partners/client/partners_client.h"

namespace crm::marketing {

// The follower of `source` ("partners", "sales", "servicedesk") at
// `channel`.
std::unique_ptr<server::BackgroundTask> MakeAutomationFollower(
    server::Runtime& runtime, const std::string& source, std::shared_ptr<grpc::Channel> channel,
    std::shared_ptr<partners::PartnersClient> partners,
    absl::Duration poll_interval = absl::Milliseconds(500));

}  // namespace crm::marketing

#endif  // CRM_SERVICES_MARKETING_AUTOMATION_FOLLOWER_H_
