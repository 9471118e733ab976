import Foundation
import Hummingbird

/// The OpenAPI 3.1 description of Switchboard's own API under `/_switchboard/`, served at
/// `/_switchboard/openapi.json`. A test checks the document and that every route it lists
/// is served.
enum ControlOpenAPI {
    static func register(on router: Router<SwitchboardRequestContext>) {
        router.get("/_switchboard/openapi.json") { _, _ in
            jsonResponse(.ok, Data(document.utf8))
        }
    }

    static let document = #"""
    {
      "openapi": "3.1.0",
      "info": {
        "title": "Switchboard control API",
        "version": "0.1.0",
        "description": "Switchboard's own endpoints beside the Graph calls API: health, the virtual clock, the far end of calls and recordings. Errors are Graph-shaped: {\"error\": {\"code\", \"message\", \"innerError\"}}."
      },
      "security": [{}, {"controlToken": []}],
      "paths": {
        "/_switchboard/health": {
          "get": {
            "summary": "Whether the server is up.",
            "operationId": "health",
            "responses": {
              "200": {"description": "Up.", "content": {"application/json": {"schema": {"type": "object", "properties": {"status": {"type": "string", "const": "ok"}}, "required": ["status"]}}}}
            }
          }
        },
        "/_switchboard/stats": {
          "get": {
            "summary": "What the server holds now: live calls, the notification backlog, resident memory.",
            "operationId": "stats",
            "responses": {
              "200": {"description": "The figures.", "content": {"application/json": {"schema": {"type": "object", "properties": {
                "calls": {"type": "integer", "description": "Calls in memory (not ended)."},
                "notificationsPending": {"type": "integer", "description": "Notifications waiting, in flight or to be retried."},
                "notificationsDue": {"type": "integer", "description": "Notifications due and not yet sent."},
                "residentBytes": {"type": "integer", "description": "The process's resident memory (Linux only)."}
              }, "required": ["calls", "notificationsPending", "notificationsDue"]}}}}
            }
          }
        },
        "/_switchboard/openapi.json": {
          "get": {
            "summary": "This document.",
            "operationId": "openapi",
            "responses": {"200": {"description": "The OpenAPI document.", "content": {"application/json": {"schema": {"type": "object"}}}}}
          }
        },
        "/_switchboard/clock": {
          "get": {
            "summary": "The server's clock.",
            "operationId": "getClock",
            "responses": {"200": {"description": "Now, and whether the clock is real or manual.", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Clock"}}}}}
          }
        },
        "/_switchboard/clock/advance": {
          "post": {
            "summary": "Moves a manual clock forward, running everything that comes due, in time order, before answering.",
            "operationId": "advanceClock",
            "requestBody": {
              "required": true,
              "content": {"application/json": {"schema": {"type": "object", "properties": {"seconds": {"type": "number", "minimum": 0, "maximum": 31622400}}, "required": ["seconds"]}}}
            },
            "responses": {
              "200": {"description": "The clock after the advance.", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Clock"}}}},
              "400": {"$ref": "#/components/responses/Error"},
              "409": {"$ref": "#/components/responses/Error"}
            }
          }
        },
        "/_switchboard/meetings": {
          "get": {
            "summary": "The world's scheduled meetings: how to join them, who is in them, and the bots' calls in them now.",
            "operationId": "listMeetings",
            "responses": {"200": {"description": "The meetings.", "content": {"application/json": {"schema": {
              "type": "object",
              "properties": {"value": {"type": "array", "items": {
                "type": "object",
                "properties": {
                  "id": {"type": "string", "description": "The meeting's name in the control API (the world file's id; its chat thread by default)."},
                  "threadId": {"type": "string", "description": "The meeting's chat thread (chatInfo.threadId)."},
                  "tenantId": {"type": "string"},
                  "organizer": {"$ref": "#/components/schemas/IdentitySet"},
                  "joinMeetingId": {"type": "string"},
                  "passcode": {"type": "string"},
                  "joinToken": {"type": "string", "description": "What a tokenMeetingInfo carries."},
                  "attendees": {"type": "array", "items": {"$ref": "#/components/schemas/IdentitySet"}},
                  "sharer": {"$ref": "#/components/schemas/IdentitySet"},
                  "calls": {"type": "array", "items": {"type": "string"}, "description": "Ids of the live calls in it."}
                },
                "required": ["id", "threadId", "tenantId", "organizer", "attendees", "calls"]
              }}},
              "required": ["value"]
            }}}}}
          }
        },
        "/_switchboard/meetings/{meetingId}/attendees": {
          "post": {
            "summary": "A Teams user of the world joins the meeting: the bots' calls in it get a roster update, and bots that join later find them there.",
            "operationId": "addAttendee",
            "parameters": [{"name": "meetingId", "in": "path", "required": true, "schema": {"type": "string"}, "description": "The meeting's id or chat thread."}],
            "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/IdentitySet"}}}},
            "responses": {
              "201": {"description": "Joined.", "content": {"application/json": {"schema": {
                "type": "object",
                "properties": {"identity": {"$ref": "#/components/schemas/IdentitySet"}, "participantId": {"type": "string", "description": "Their participant id in the bots' calls in the meeting, when any is live."}},
                "required": ["identity"]
              }}}},
              "400": {"$ref": "#/components/responses/Error"},
              "404": {"$ref": "#/components/responses/Error"},
              "409": {"$ref": "#/components/responses/Error"}
            }
          }
        },
        "/_switchboard/meetings/{meetingId}/attendees/{identityId}": {
          "delete": {
            "summary": "The attendee (a user id or participant id) leaves the meeting: the bots' calls in it get a roster update.",
            "operationId": "removeAttendee",
            "parameters": [
              {"name": "meetingId", "in": "path", "required": true, "schema": {"type": "string"}},
              {"name": "identityId", "in": "path", "required": true, "schema": {"type": "string"}}
            ],
            "responses": {"204": {"description": "Left."}, "404": {"$ref": "#/components/responses/Error"}}
          }
        },
        "/_switchboard/snapshot": {
          "get": {
            "summary": "All state as one JSON document: calls (the engine's state), notifications (pending, delivered, dead, each with its tries and its body as sent), signals between calls, meetings' attendees, and the time. Recordings are left out.",
            "operationId": "getSnapshot",
            "responses": {"200": {"description": "The snapshot.", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Snapshot"}}}}}
          },
          "put": {
            "summary": "Restores a snapshot exactly: everything is replaced, timers re-armed, pending notifications sent; a manual clock goes back to the snapshot's time. A snapshot that does not read changes nothing.",
            "operationId": "putSnapshot",
            "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Snapshot"}}}},
            "responses": {"204": {"description": "Restored."}, "400": {"$ref": "#/components/responses/Error"}}
          }
        },
        "/_switchboard/reset": {
          "post": {
            "summary": "Back to the world as loaded: every call, timer, recording and notification (pending or kept) is forgotten; the clock stays where it is. Meant for between tests.",
            "operationId": "reset",
            "responses": {"204": {"description": "Reset."}}
          }
        },
        "/_switchboard/incoming-calls": {
          "post": {
            "summary": "A Teams user or a phone number calls a bot (to.application, to.applicationInstance, or to.phone with an instance's number). The bot's calling webhook, or callbackUri, gets the incoming-call notification; unanswered after 15 s, the call is dropped.",
            "operationId": "placeIncomingCall",
            "requestBody": {
              "required": true,
              "content": {"application/json": {"schema": {
                "type": "object",
                "properties": {
                  "from": {"$ref": "#/components/schemas/IdentitySet"},
                  "to": {"$ref": "#/components/schemas/IdentitySet"},
                  "callbackUri": {"type": "string", "description": "Where the notification goes; default: the application's calling webhook in the world."},
                  "modalities": {"type": "array", "items": {"type": "string", "enum": ["audio", "video", "videoBasedScreenSharing", "data"]}, "description": "What the caller offers; default [audio]."},
                  "apiVersion": {"type": "string", "enum": ["v1.0", "beta"], "description": "The Graph version the bot's notifications are written for; default v1.0."},
                  "meeting": {"type": "string", "description": "A meeting (id or chat thread) inviting the bot: the call carries its chatInfo and meetingInfo, and the bot enters it when it answers. 'from' then defaults to the organizer."}
                },
                "required": ["to"]
              }}}
            },
            "responses": {
              "201": {"description": "The call the bot sees.", "headers": {"Location": {"description": "The call's Graph resource (.../{apiVersion}/communications/calls/{id}).", "schema": {"type": "string"}}}, "content": {"application/json": {"schema": {"type": "object", "properties": {"id": {"type": "string"}}, "required": ["id"]}}}},
              "400": {"$ref": "#/components/responses/Error"},
              "404": {"$ref": "#/components/responses/Error"}
            }
          }
        },
        "/_switchboard/callback-keys": {
          "get": {
            "summary": "The keys callback tokens are signed and verified with (the JWKS publishes the same ones): the signing key last; retired keys stay until the tokens they signed expire.",
            "operationId": "listCallbackKeys",
            "responses": {"200": {"$ref": "#/components/responses/CallbackKeys"}}
          }
        },
        "/_switchboard/callback-keys/rotate": {
          "post": {
            "summary": "Starts signing callback tokens with a new key now; the old one stays published for a token's lifetime (an hour).",
            "operationId": "rotateCallbackKeys",
            "responses": {"200": {"$ref": "#/components/responses/CallbackKeys"}}
          }
        },
        "/_switchboard/faults": {
          "get": {
            "summary": "The faults injected on purpose now, and every one that has struck (kind, call, notification or request).",
            "operationId": "getFaults",
            "responses": {"200": {"$ref": "#/components/responses/Faults"}}
          },
          "put": {
            "summary": "Replaces the faults: notifications dropped (then retried), duplicated, delayed or reordered; Graph answers throttled (429), unavailable (503) or late; the first incoming-call notification in the legacy format. Each rule has a rate (0-1, drawn from the seed) and an optional count, call or path.",
            "operationId": "putFaults",
            "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/FaultPlan"}}}},
            "responses": {"200": {"$ref": "#/components/responses/Faults"}, "400": {"$ref": "#/components/responses/Error"}}
          },
          "delete": {
            "summary": "No faults from now on (a reset brings back the world file's).",
            "operationId": "deleteFaults",
            "responses": {"204": {"description": "No faults."}}
          }
        },
        "/_switchboard/dead-letters": {
          "get": {
            "summary": "Notifications whose retries ran out (by default once 30 minutes old), oldest first.",
            "operationId": "listDeadLetters",
            "responses": {"200": {"description": "The dead letters.", "content": {"application/json": {"schema": {
              "type": "object",
              "properties": {"value": {"type": "array", "items": {"type": "object", "properties": {
                "sequence": {"type": "integer"}, "callId": {"type": "string"}, "appId": {"type": "string"}, "url": {"type": "string"},
                "attempts": {"type": "integer"}, "lastError": {"type": "string"}, "body": {"type": "object"}
              }, "required": ["sequence", "callId", "appId", "url", "attempts", "body"]}}},
              "required": ["value"]
            }}}}}
          }
        },
        "/_switchboard/dead-letters/redeliver": {
          "post": {
            "summary": "Sends dead letters again with a fresh set of tries: all of them, or those named.",
            "operationId": "redeliverDeadLetters",
            "requestBody": {"required": false, "content": {"application/json": {"schema": {"type": "object", "properties": {"sequences": {"type": "array", "items": {"type": "integer"}}}}}}},
            "responses": {
              "200": {"description": "What was sent again.", "content": {"application/json": {"schema": {"type": "object", "properties": {"sequences": {"type": "array", "items": {"type": "integer"}}}}}}},
              "400": {"$ref": "#/components/responses/Error"}
            }
          }
        },
        "/_switchboard/calls/{id}/far-end": {
          "post": {
            "summary": "What a person at the other end does in the call the bot sees as {id}: answer, decline or busy while ringing (manual behaviours wait for these), or, in the call, hang up, press keys, share, mute.",
            "operationId": "farEnd",
            "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}],
            "requestBody": {
              "required": true,
              "content": {"application/json": {"schema": {
                "type": "object",
                "properties": {
                  "action": {"type": "string", "enum": ["answer", "decline", "busy", "hangUp", "pressKeys", "startSharing", "stopSharing", "mute", "unmute"]},
                  "participant": {"type": "string", "description": "A user id or phone number; default: the peer, or the only other person."},
                  "tones": {"type": "string", "description": "pressKeys: DTMF keys such as 123#."}
                },
                "required": ["action"]
              }}}
            },
            "responses": {
              "204": {"description": "Done."},
              "400": {"$ref": "#/components/responses/Error"},
              "404": {"$ref": "#/components/responses/Error"},
              "409": {"$ref": "#/components/responses/Error"}
            }
          }
        },
        "/_switchboard/calls/{id}/notifications": {
          "get": {
            "summary": "Every notification committed for the call, in order, with each try at delivering it (delivered ones are kept for the latest 10000 notifications).",
            "operationId": "callNotifications",
            "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}],
            "responses": {
              "200": {"description": "The journal.", "content": {"application/json": {"schema": {
                "type": "object",
                "properties": {"value": {"type": "array", "items": {
                  "type": "object",
                  "properties": {
                    "sequence": {"type": "integer"},
                    "state": {"type": "string", "enum": ["pending", "delivered", "dead"]},
                    "url": {"type": "string"},
                    "committedAt": {"type": "string", "format": "date-time", "description": "When the change that caused it was committed (the Switchboard-Committed-At header)."},
                    "body": {"type": "object", "description": "The commsNotifications POSTed (keys sorted)."},
                    "attempts": {"type": "array", "items": {
                      "type": "object",
                      "properties": {
                        "at": {"type": "string", "format": "date-time"},
                        "status": {"type": ["integer", "null"]},
                        "error": {"type": ["string", "null"]},
                        "durationMs": {"type": "integer"}
                      },
                      "required": ["at", "durationMs"]
                    }}
                  },
                  "required": ["sequence", "state", "url", "body", "attempts"]
                }}},
                "required": ["value"]
              }}}},
              "404": {"$ref": "#/components/responses/Error"}
            }
          }
        },
        "/_switchboard/": {
          "get": {
            "summary": "The inspector: a page showing each call as it happens, its timeline, the world, and controls for the far end (open without the control token: it holds no data, and asks for the token).",
            "operationId": "inspector",
            "security": [],
            "responses": {"200": {"description": "The page.", "content": {"text/html": {"schema": {"type": "string"}}}}}
          }
        },
        "/_switchboard/calls": {
          "get": {
            "summary": "Every call this node has seen (kept after it ends, up to 1000) and every live call, newest first.",
            "operationId": "listCalls",
            "responses": {
              "200": {"description": "The calls.", "content": {"application/json": {"schema": {
                "type": "object",
                "properties": {"value": {"type": "array", "items": {
                  "type": "object",
                  "properties": {
                    "id": {"type": "string"}, "state": {"type": "string"}, "kind": {"type": "string", "enum": ["peerToPeer", "group", "meeting"]},
                    "direction": {"type": "string"}, "appId": {"type": "string"}, "app": {"type": "string"}, "tenantId": {"type": "string"},
                    "participants": {"type": "array", "items": {"type": "string"}},
                    "started": {"type": "string", "format": "date-time"}, "updated": {"type": "string", "format": "date-time"}
                  },
                  "required": ["id", "state", "kind", "appId", "tenantId", "participants"]
                }}},
                "required": ["value"]
              }}}}
            }
          }
        },
        "/_switchboard/calls/{id}/timeline": {
          "get": {
            "summary": "A call's timeline in time order: requests about it (the bot's, the control API's) with their answers, state changes, rosters and operations read from its notifications, and each notification with its tries.",
            "operationId": "callTimeline",
            "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}],
            "responses": {
              "200": {"description": "The timeline.", "content": {"application/json": {"schema": {
                "type": "object",
                "properties": {
                  "call": {"type": "object"},
                  "events": {"type": "array", "items": {"type": "object", "properties": {
                    "kind": {"type": "string", "enum": ["request", "state", "roster", "operation", "notification"]},
                    "at": {"type": "string", "format": "date-time"}
                  }, "required": ["kind", "at"]}}
                },
                "required": ["events"]
              }}}},
              "404": {"$ref": "#/components/responses/Error"}
            }
          }
        },
        "/_switchboard/world": {
          "get": {
            "summary": "The world: tenants, applications (never their secrets), instances, users and how each answers, phone numbers, magic numbers (meetings: /_switchboard/meetings).",
            "operationId": "getWorld",
            "responses": {"200": {"description": "The world.", "content": {"application/json": {"schema": {"type": "object"}}}}}
          }
        },
        "/_switchboard/events": {
          "get": {
            "summary": "Server-sent events: 'changed' (data: a version) whenever a call, request or notification changes; the inspector refreshes on them.",
            "operationId": "events",
            "responses": {"200": {"description": "The stream.", "content": {"text/event-stream": {"schema": {"type": "string"}}}}}
          }
        },
        "/_switchboard/recordings/{operationId}": {
          "get": {
            "summary": "The recording of a recordResponse operation (its recordingLocation).",
            "operationId": "getRecording",
            "parameters": [{"name": "operationId", "in": "path", "required": true, "schema": {"type": "string"}}],
            "security": [{"recordingAccessToken": []}],
            "responses": {
              "200": {"description": "A WAV file: PCM, 16 kHz, mono, 16-bit.", "content": {"application/octet-stream": {"schema": {"type": "string", "contentMediaType": "audio/wav"}}}},
              "401": {"$ref": "#/components/responses/Error"},
              "404": {"$ref": "#/components/responses/Error"}
            }
          }
        }
      },
      "components": {
        "securitySchemes": {
          "recordingAccessToken": {"type": "http", "scheme": "bearer", "description": "The operation's recordingAccessToken."},
          "controlToken": {"type": "http", "scheme": "bearer", "description": "The server's --control-token, when it was started with one (health stays open)."}
        },
        "schemas": {
          "FaultPlan": {
            "type": "object",
            "properties": {
              "seed": {"type": "integer", "minimum": 0},
              "notifications": {"type": "array", "items": {"type": "object", "properties": {
                "kind": {"type": "string", "enum": ["drop", "duplicate", "delay", "reorder"]},
                "rate": {"type": "number", "minimum": 0, "maximum": 1}, "callId": {"type": "string"},
                "count": {"type": "integer", "minimum": 0}, "delayMs": {"type": "integer", "minimum": 0, "maximum": 600000}
              }, "required": ["kind"]}},
              "api": {"type": "array", "items": {"type": "object", "properties": {
                "kind": {"type": "string", "enum": ["throttle", "unavailable", "latency"]},
                "rate": {"type": "number", "minimum": 0, "maximum": 1}, "path": {"type": "string"}, "method": {"type": "string"},
                "count": {"type": "integer", "minimum": 0}, "retryAfterSeconds": {"type": "integer", "minimum": 0, "maximum": 86400},
                "latencyMs": {"type": "integer", "minimum": 0, "maximum": 60000}
              }, "required": ["kind"]}},
              "legacyIncomingNotification": {"type": "boolean"}
            }
          },
          "IdentitySet": {
            "type": "object",
            "description": "Graph's identitySet.",
            "properties": {
              "@odata.type": {"type": "string"},
              "user": {"$ref": "#/components/schemas/Identity"},
              "application": {"$ref": "#/components/schemas/Identity"},
              "applicationInstance": {"$ref": "#/components/schemas/Identity"},
              "phone": {"$ref": "#/components/schemas/Identity"}
            }
          },
          "Identity": {
            "type": "object",
            "properties": {"@odata.type": {"type": "string"}, "id": {"type": "string"}, "displayName": {"type": "string"}}
          },
          "Snapshot": {
            "type": "object",
            "properties": {
              "switchboardSnapshot": {"type": "integer", "const": 1},
              "takenAt": {"type": "string", "format": "date-time"},
              "meetings": {"type": "array", "items": {"type": "object", "properties": {"id": {"type": "string"}, "attendees": {"type": "array", "items": {"type": "string"}}}, "required": ["id", "attendees"]}},
              "calls": {"type": "array", "items": {"type": "object", "properties": {"id": {"type": "string"}, "appId": {"type": "string"}, "tenantId": {"type": "string"}, "state": {"type": "object"}}, "required": ["id", "appId", "tenantId", "state"]}},
              "notifications": {"type": "array", "items": {"type": "object", "properties": {
                "sequence": {"type": "integer"}, "callId": {"type": "string"}, "appId": {"type": "string"}, "tenantId": {"type": "string"},
                "url": {"type": "string"}, "body": {"type": "string"}, "status": {"type": "string", "enum": ["pending", "delivered", "dead"]},
                "attempts": {"type": "integer"}, "notBefore": {"type": "string", "format": "date-time"}, "lastError": {"type": "string"},
                "tries": {"type": "array", "items": {"type": "object", "properties": {"attempt": {"type": "integer"}, "at": {"type": "string", "format": "date-time"}, "status": {"type": "integer"}, "error": {"type": "string"}, "durationMs": {"type": "integer"}}, "required": ["attempt", "at", "durationMs"]}}
              }, "required": ["sequence", "callId", "appId", "tenantId", "url", "body", "status", "attempts", "notBefore", "tries"]}},
              "signals": {"type": "array", "items": {"type": "object", "properties": {"sequence": {"type": "integer"}, "callId": {"type": "string"}, "signal": {"type": "object"}}, "required": ["sequence", "callId", "signal"]}}
            },
            "required": ["switchboardSnapshot", "takenAt", "meetings", "calls", "notifications", "signals"]
          },
          "Clock": {
            "type": "object",
            "properties": {"now": {"type": "string", "format": "date-time"}, "mode": {"type": "string", "enum": ["real", "manual"]}},
            "required": ["now", "mode"]
          },
          "Error": {
            "type": "object",
            "properties": {
              "error": {
                "type": "object",
                "properties": {
                  "code": {"type": "string"},
                  "message": {"type": "string"},
                  "innerError": {"type": "object", "properties": {"date": {"type": "string"}, "request-id": {"type": "string"}, "client-request-id": {"type": "string"}}}
                },
                "required": ["code", "message"]
              }
            },
            "required": ["error"]
          }
        },
        "responses": {
          "Error": {"description": "A Graph-shaped error.", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
          "Faults": {"description": "The fault plan and what it has injected.", "content": {"application/json": {"schema": {
            "type": "object",
            "properties": {
              "plan": {"$ref": "#/components/schemas/FaultPlan"},
              "injected": {"type": "array", "items": {"type": "object", "properties": {
                "at": {"type": "string", "format": "date-time"}, "kind": {"type": "string"}, "callId": {"type": "string"},
                "sequence": {"type": "integer"}, "request": {"type": "string"}
              }, "required": ["at", "kind"]}}
            },
            "required": ["plan", "injected"]
          }}}},
          "CallbackKeys": {"description": "The published callback keys, oldest first.", "content": {"application/json": {"schema": {
            "type": "object",
            "properties": {"value": {"type": "array", "items": {"type": "object", "properties": {
              "kid": {"type": "string"}, "createdAt": {"type": "string", "format": "date-time"},
              "retiredAt": {"type": "string", "format": "date-time"}, "signing": {"type": "boolean"}
            }, "required": ["kid", "createdAt", "signing"]}}},
            "required": ["value"]
          }}}}
        }
      }
    }
    """#
}
