// Test support (Catch2 tests only): reads a service's change feed over its
// channel, to check what each write put there.
#ifndef CRM_COMMON_TESTING_FEED_READER_H_
#define CRM_COMMON_TESTING_FEED_READER_H_

#include <memory>
#include <string>
#include <vector>

#include <catch2/catch.hpp>
#include <grpcpp/grpcpp.h>

#include "absl/strings/str_cat.h"
#include "common/testing/service_fixture.h"
#include "common/testing/status_checks.h"
#include "crm/feed/v1/change_feed.grpc.pb.h"

namespace crm::testing {

class FeedReader {
 public:
  explicit FeedReader(const std::shared_ptr<grpc::Channel>& channel)
      : stub_(feed::v1::ChangeFeedService::NewStub(channel)) {}

  // The sequence of the newest change (0 when there is none).
  int64_t HeadSequence() { return ChangesAfter(0, 1).head_sequence(); }

  feed::v1::ListChangesResponse ChangesAfter(int64_t sequence, int page_size = 1000) {
    feed::v1::ListChangesRequest request;
    request.set_after_sequence(sequence);
    request.set_page_size(page_size);
    feed::v1::ListChangesResponse response;
    REQUIRE(Outcome(stub_->ListChanges(ContextWithDeadline().get(), request, &response)) == "OK");
    return response;
  }

  // "KIND resource_name method request_id" per change after `sequence`.
  std::vector<std::string> DescribeChangesAfter(int64_t sequence) {
    std::vector<std::string> out;
    const feed::v1::ListChangesResponse response = ChangesAfter(sequence);
    for (const auto& change : response.changes()) {
      out.push_back(absl::StrCat(feed::v1::ChangeKind_Name(change.kind()), " ",
                                 change.resource_name(), " ", change.method(), " ",
                                 change.request_id()));
    }
    return out;
  }

 private:
  std::unique_ptr<feed::v1::ChangeFeedService::Stub> stub_;
};

}  // namespace crm::testing

#endif  // CRM_COMMON_TESTING_FEED_READER_H_
