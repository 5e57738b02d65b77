/**
 * Two request bodies as a producer sends them to `PUT /streams/<pipeline>/record`: pretty-printed with tabs
 * and spaces, a JSON document inside the `message` string, nulls in nullable columns, a `PartitionKey` of
 * their own and a `location` column (a Redshift reserved word).
 */

/** A body for `PUT /streams/user-events/record`. */
export const SAMPLE_USER_EVENTS_BODY = String.raw`{
	"Data": {"request_id": "fc417c2b-fe7a-4737-afe2-bec49c0ebd6f",
  "request_timestamp": "2020-06-01 00:00:24.000000",
  "cookie_id": "a09c4ca3-d142-4312-ba78-029c3355b8ef",
  "topic": "dolphin_cms.wizard.step.color_palette.set",
  "message": "{\"isAffiliate\":false,\"language\":\"es\",\"isRecommendedPalette\":true,\"color\":\"#6d8d79\",\"paletteIndex\":\"0\",\"workspaceId\":\"ecaca5cd-e23c-4f6d-8ec9-ad8695b378d5\"}",
  "environment": "dolphin_cms",
  "website_id": null,"user_account_id": "0f36f200-df29-4fbf-8625-39a88b7f778c",
  "location": "https://cms.data.com/wizard/color-palette/",
  "user_agent": "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:76.0) Gecko/20100101 Firefox/76.0", "referrer": "https://register.data.com/es/product"},
	"PartitionKey": "92ebe247-77f5-4a3c-a7f1-d22af67bf71d"
}`;

/** A body for `PUT /streams/user-utm/record`; `network` is a Redshift reserved word. */
export const SAMPLE_USER_UTM_BODY = String.raw`{
	"Data": {
    "request_id": "cbae8544-ab7a-46a5-9253-a5c8f6612115",
    "source": "adwords",
    "medium": "cpc",
    "campaign": "Campaign Brand FR",
    "content": null,
    "term": "data",
    "matchtype": "e",
    "network": "g",
    "ad_id": "12063526619",
    "ad_pos": "1t1",
    "placement": null,
    "placement_category": null,
    "testgroup": null,
    "device": "c"
  },
	"PartitionKey": "92ebe247-77f5-4a3c-a7f1-d22af67bf71d"
}`;
