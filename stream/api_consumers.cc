// Consumer operations of the Api: list, describe (per-shard lag), reset.
#include "stream/api_fields.h"
#include "stream/cursors.h"
#include "stream/local_api.h"
#include "stream/shard_router.h"

namespace freshet::api {

Result<Json> CallConsumerOp(const Backend& b, std::string_view op, const Json& req) {
  if (op == "ListConsumers") {
    FRESHET_ASSIGN_OR_RETURN(auto consumers, stream::ListConsumers(*b.db, *b.log));
    Json out = {{"Consumers", Json::array()}};
    for (const auto& c : consumers) {
      out["Consumers"].push_back({{"ConsumerName", c.name}, {"StreamName", c.stream}, {"Shards", c.shards_with_cursor}});
    }
    return out;
  }
  if (op == "DescribeConsumer") {
    FRESHET_ASSIGN_OR_RETURN(std::string name, StringField(req, "ConsumerName"));
    FRESHET_ASSIGN_OR_RETURN(auto d, stream::ConsumerStream(*b.db, *b.log, name));
    FRESHET_ASSIGN_OR_RETURN(auto lags, stream::ConsumerLag(*b.db, name, d));
    Json shards = Json::array();
    for (const auto& l : lags) {
      Json s = {{"ShardId", stream::ShardId(l.shard)},
                {"Tip", std::to_string(l.tip)},
                {"RecordsBehind", l.behind},
                {"MillisBehind", l.ms_behind}};
      s["Cursor"] = l.cursor ? Json(std::to_string(*l.cursor)) : Json(nullptr);
      shards.push_back(std::move(s));
    }
    return Json{{"ConsumerName", name}, {"StreamName", d.name}, {"Shards", shards}};
  }
  if (op == "ResetConsumer") {
    FRESHET_ASSIGN_OR_RETURN(std::string name, StringField(req, "ConsumerName"));
    FRESHET_ASSIGN_OR_RETURN(std::string to, StringField(req, "To"));
    FRESHET_ASSIGN_OR_RETURN(auto position, stream::Position::Parse(to));
    if (position.kind != stream::Position::Kind::kTrimHorizon && position.kind != stream::Position::Kind::kLatest) {
      return Status::InvalidArgument("--to must be trim-horizon or latest");
    }
    FRESHET_ASSIGN_OR_RETURN(auto d, stream::ConsumerStream(*b.db, *b.log, name));
    FRESHET_RETURN_IF_ERROR(stream::ResetConsumer(b.db, name, d, position));
    return Json{{"StreamName", d.name}};
  }
  return Status::NotFound("unknown operation " + std::string(op));
}

}  // namespace freshet::api
