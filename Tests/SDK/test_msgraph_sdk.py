"""Microsoft's own Python SDK (msgraph-sdk) as a client of a running Switchboard.

Every supported action is sent through the SDK's request builders, and every response
must parse into the SDK's typed models with nothing left in `additional_data` (the root
`@odata.context` aside, which the SDK files there for real Graph responses too).

Run by scripts/test, which starts the server and sets SWITCHBOARD_URL.
"""
import asyncio
import dataclasses
import os
import uuid

import httpx
import pytest
from kiota_abstractions.authentication import AccessTokenProvider, AllowedHostsValidator, BaseBearerTokenAuthenticationProvider
from msgraph import GraphRequestAdapter, GraphServiceClient
from msgraph.generated.communications.calls.item.answer.answer_post_request_body import AnswerPostRequestBody
from msgraph.generated.communications.calls.item.redirect.redirect_post_request_body import RedirectPostRequestBody
from msgraph.generated.communications.calls.item.reject.reject_post_request_body import RejectPostRequestBody
from msgraph.generated.models.reject_reason import RejectReason
from msgraph.generated.communications.calls.item.add_large_gallery_view.add_large_gallery_view_post_request_body import AddLargeGalleryViewPostRequestBody
from msgraph.generated.communications.calls.item.cancel_media_processing.cancel_media_processing_post_request_body import CancelMediaProcessingPostRequestBody
from msgraph.generated.communications.calls.item.change_screen_sharing_role.change_screen_sharing_role_post_request_body import ChangeScreenSharingRolePostRequestBody
from msgraph.generated.communications.calls.item.mute.mute_post_request_body import MutePostRequestBody
from msgraph.generated.communications.calls.item.participants.invite.invite_post_request_body import InvitePostRequestBody
from msgraph.generated.communications.calls.item.participants.item.mute.mute_post_request_body import MutePostRequestBody as ParticipantMutePostRequestBody
from msgraph.generated.communications.calls.item.participants.item.start_hold_music.start_hold_music_post_request_body import StartHoldMusicPostRequestBody
from msgraph.generated.communications.calls.item.participants.item.stop_hold_music.stop_hold_music_post_request_body import StopHoldMusicPostRequestBody
from msgraph.generated.communications.calls.item.play_prompt.play_prompt_post_request_body import PlayPromptPostRequestBody
from msgraph.generated.communications.calls.item.record_response.record_response_post_request_body import RecordResponsePostRequestBody
from msgraph.generated.communications.calls.item.send_dtmf_tones.send_dtmf_tones_post_request_body import SendDtmfTonesPostRequestBody
from msgraph.generated.communications.calls.item.subscribe_to_tone.subscribe_to_tone_post_request_body import SubscribeToTonePostRequestBody
from msgraph.generated.communications.calls.item.transfer.transfer_post_request_body import TransferPostRequestBody
from msgraph.generated.communications.calls.item.unmute.unmute_post_request_body import UnmutePostRequestBody
from msgraph.generated.communications.calls.item.update_recording_status.update_recording_status_post_request_body import UpdateRecordingStatusPostRequestBody
from msgraph.generated.communications.calls.log_teleconference_device_quality.log_teleconference_device_quality_post_request_body import LogTeleconferenceDeviceQualityPostRequestBody
from msgraph.generated.models.app_hosted_media_config import AppHostedMediaConfig
from msgraph.generated.models.audio_routing_group import AudioRoutingGroup
from msgraph.generated.models.call import Call
from msgraph.generated.models.call_state import CallState
from msgraph.generated.models.chat_info import ChatInfo
from msgraph.generated.models.communications_identity_set import CommunicationsIdentitySet
from msgraph.generated.models.identity import Identity
from msgraph.generated.models.identity_set import IdentitySet
from msgraph.generated.models.invitation_participant_info import InvitationParticipantInfo
from msgraph.generated.models.media_info import MediaInfo
from msgraph.generated.models.media_prompt import MediaPrompt
from msgraph.generated.models.modality import Modality
from msgraph.generated.models.operation_status import OperationStatus
from msgraph.generated.models.organizer_meeting_info import OrganizerMeetingInfo
from msgraph.generated.models.outgoing_call_options import OutgoingCallOptions
from msgraph.generated.models.participant_info import ParticipantInfo
from msgraph.generated.models.recording_status import RecordingStatus
from msgraph.generated.models.routing_mode import RoutingMode
from msgraph.generated.models.screen_sharing_role import ScreenSharingRole
from msgraph.generated.models.service_hosted_media_config import ServiceHostedMediaConfig
from msgraph.generated.models.teleconference_device_quality import TeleconferenceDeviceQuality
from msgraph.generated.models.tone import Tone

BASE = os.environ.get("SWITCHBOARD_URL", "http://127.0.0.1:8080")
TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47"
APP_ID = "2891555a-92ff-42e6-80fa-6e1300c6b5c6"
SECRET = "switchboard-dev-secret"
JOHN = "112f7296-5fa4-42ca-bae8-6a692b15d4b8"
USER1 = "98da8a1a-1b87-452c-a713-65d3f10b5555"
USER2 = "bf5aae9a-d11d-47a8-93b1-782504c95555"
MEETING_THREAD = "19:meeting_Win6Ydo4wsMijFjZS00ZGVjLTk5MGUtOTRjNWY2NmNkYTFm@thread.v2"
BOB = "5810cede-f3cc-42eb-b2c1-e9bd5d53ec96"
INSTANCE = "3d913abb-aec0-4964-8fa6-3c6850c4f278"


class SwitchboardTokens(AccessTokenProvider):
    """Client-credentials tokens from Switchboard's token endpoint."""

    def __init__(self):
        response = httpx.post(f"{BASE}/{TENANT}/oauth2/v2.0/token", data={
            "grant_type": "client_credentials", "client_id": APP_ID, "client_secret": SECRET,
            "scope": "https://graph.microsoft.com/.default",
        })
        response.raise_for_status()
        self.token = response.json()["access_token"]

    async def get_authorization_token(self, uri, additional_authentication_context={}):
        return self.token

    def get_allowed_hosts_validator(self):
        return AllowedHostsValidator([])


def client():
    adapter = GraphRequestAdapter(BaseBearerTokenAuthenticationProvider(SwitchboardTokens()))
    adapter.base_url = f"{BASE}/v1.0"
    return GraphServiceClient(request_adapter=adapter)


def leftovers(value, path="$", root=True):
    """Every non-empty additional_data under `value`, as (path, keys)."""
    found = []
    if isinstance(value, list):
        for index, item in enumerate(value):
            found += leftovers(item, f"{path}[{index}]", False)
    elif dataclasses.is_dataclass(value):
        extra = dict(getattr(value, "additional_data", None) or {})
        if root:
            extra.pop("@odata.context", None)
        if extra:
            found.append((path, sorted(extra)))
        for field in dataclasses.fields(value):
            if field.name in ("additional_data", "backing_store"):
                continue
            found += leftovers(getattr(value, field.name), f"{path}.{field.name}", False)
    return found


def parsed(value):
    """The value, after checking the SDK parsed all of it."""
    assert value is not None, "the SDK parsed no body"
    assert leftovers(value) == [], f"left in additional_data: {leftovers(value)}"
    return value


def identity(user_id, name=None):
    return IdentitySet(user=Identity(id=user_id, display_name=name))


def target(user_id):
    return InvitationParticipantInfo(identity=identity(user_id))


def prompt(name):
    return MediaPrompt(media_info=MediaInfo(uri=f"https://cdn.contoso.com/{name}.wav"))


async def established(calls, call_id):
    for _ in range(200):
        call = parsed(await calls.by_call_id(call_id).get())
        if call.state == CallState.Established:
            return call
        await asyncio.sleep(0.05)
    raise AssertionError(f"call {call_id} never established")


def run(coroutine):
    return asyncio.run(coroutine)


def test_peer_to_peer_call_and_media_actions(callback):
    async def go():
        calls = client().communications.calls
        created = parsed(await calls.post(Call(
            callback_uri=callback, targets=[target(JOHN)], requested_modalities=[Modality.Audio],
            media_config=ServiceHostedMediaConfig(),
            call_options=OutgoingCallOptions(is_content_sharing_notification_enabled=True),
        )))
        assert created.state == CallState.Establishing
        call = calls.by_call_id(created.id)
        await established(calls, created.id)
        roster = parsed(await call.participants.get())
        assert len(roster.value) == 2
        await call.keep_alive.post()

        played = parsed(await call.play_prompt.post(PlayPromptPostRequestBody(prompts=[prompt("hello"), prompt("bye")], client_context="c1")))
        assert played.status == OperationStatus.Running and played.client_context == "c1"
        fetched = parsed(await call.operations.by_comms_operation_id(played.id).get())
        assert fetched.id == played.id
        recorded = parsed(await call.record_response.post(RecordResponsePostRequestBody(
            max_record_duration_in_seconds=2, play_beep=True, stop_tones=["#"], client_context="r1")))
        assert recorded.status == OperationStatus.Running
        subscribed = parsed(await call.subscribe_to_tone.post(SubscribeToTonePostRequestBody(client_context="s1")))
        assert subscribed.status == OperationStatus.Completed
        dtmf = parsed(await call.send_dtmf_tones.post(SendDtmfTonesPostRequestBody(tones=[Tone.Tone1, Tone.Pound], delay_between_tones_ms=100)))
        assert dtmf.status == OperationStatus.Running
        cancelled = parsed(await call.cancel_media_processing.post(CancelMediaProcessingPostRequestBody(client_context="x")))
        assert cancelled.status == OperationStatus.Completed
        status = parsed(await call.update_recording_status.post(UpdateRecordingStatusPostRequestBody(status=RecordingStatus.Recording)))
        assert status.status == OperationStatus.Completed
        parsed(await call.content_sharing_sessions.get())
        parsed(await call.audio_routing_groups.get())

        await call.transfer.post(TransferPostRequestBody(transfer_target=target(USER1)))
        for _ in range(200):
            try:
                await call.get()
            except Exception:
                break
            await asyncio.sleep(0.05)
        else:
            raise AssertionError("the transferred call did not end")
    run(go())


def test_meeting_join_and_participant_actions(callback):
    async def go():
        calls = client().communications.calls
        created = parsed(await calls.post(Call(
            callback_uri=callback, requested_modalities=[Modality.Audio], media_config=ServiceHostedMediaConfig(),
            chat_info=ChatInfo(thread_id=MEETING_THREAD, message_id="0"),
            meeting_info=OrganizerMeetingInfo(organizer=identity(BOB, "Bob")),
            call_options=OutgoingCallOptions(is_content_sharing_notification_enabled=True, is_delta_roster_enabled=True),
        )))
        call = calls.by_call_id(created.id)
        await established(calls, created.id)

        assert parsed(await call.mute.post(MutePostRequestBody(client_context="m"))).status == OperationStatus.Completed
        assert parsed(await call.unmute.post(UnmutePostRequestBody(client_context="u"))).status == OperationStatus.Completed
        invited = parsed(await call.participants.invite.post(InvitePostRequestBody(participants=[target(USER2)], client_context="i")))
        assert invited.status == OperationStatus.Running
        assert len(invited.participants) == 1
        for _ in range(200):
            roster = parsed(await call.participants.get()).value
            if len(roster) == 3:
                break
            await asyncio.sleep(0.05)
        john = next(p for p in roster if p.info.identity.user and p.info.identity.user.id == JOHN)
        user2 = next(p for p in roster if p.info.identity.user and p.info.identity.user.id == USER2)
        assert parsed(await call.participants.by_participant_id(john.id).get()).id == john.id
        assert parsed(await call.participants.by_participant_id(john.id).mute.post(ParticipantMutePostRequestBody())).status == OperationStatus.Completed
        held = parsed(await call.participants.by_participant_id(john.id).start_hold_music.post(StartHoldMusicPostRequestBody(custom_prompt=prompt("hold"))))
        assert held.status == OperationStatus.Running
        parsed(await call.participants.by_participant_id(john.id).stop_hold_music.post(StopHoldMusicPostRequestBody()))
        gallery = parsed(await call.add_large_gallery_view.post(AddLargeGalleryViewPostRequestBody(client_context="g")))
        assert gallery.status == OperationStatus.Running

        group = parsed(await call.audio_routing_groups.post(AudioRoutingGroup(
            id="oneToOne", routing_mode=RoutingMode.OneToOne, sources=[john.id], receivers=[user2.id])))
        assert group.routing_mode == RoutingMode.OneToOne
        assert len(parsed(await call.audio_routing_groups.get()).value) == 1
        assert parsed(await call.audio_routing_groups.by_audio_routing_group_id("oneToOne").get()).id == "oneToOne"
        patched = parsed(await call.audio_routing_groups.by_audio_routing_group_id("oneToOne").patch(AudioRoutingGroup(
            routing_mode=RoutingMode.Multicast, receivers=[user2.id, john.id])))
        assert patched.routing_mode == RoutingMode.Multicast
        await call.audio_routing_groups.by_audio_routing_group_id("oneToOne").delete()

        sessions = parsed(await call.content_sharing_sessions.get()).value
        assert len(sessions) == 1
        assert parsed(await call.content_sharing_sessions.by_content_sharing_session_id(sessions[0].id).get()).id == sessions[0].id

        await call.participants.by_participant_id(user2.id).delete()
        await call.delete()
    run(go())


def test_app_hosted_meeting_shares_its_screen(callback):
    async def go():
        calls = client().communications.calls
        created = parsed(await calls.post(Call(
            callback_uri=callback, requested_modalities=[Modality.Audio, Modality.VideoBasedScreenSharing],
            media_config=AppHostedMediaConfig(blob="<Media Session Configuration>"),
            chat_info=ChatInfo(thread_id=MEETING_THREAD, message_id="0"),
            meeting_info=OrganizerMeetingInfo(organizer=identity(BOB)),
        )))
        assert created.media_config.blob == "<Media Session Configuration>"
        call = calls.by_call_id(created.id)
        await established(calls, created.id)
        await call.change_screen_sharing_role.post(ChangeScreenSharingRolePostRequestBody(role=ScreenSharingRole.Sharer))
        await call.delete()
    run(go())


def test_group_and_phone_calls(callback):
    async def go():
        calls = client().communications.calls
        group = parsed(await calls.post(Call(
            callback_uri=callback, targets=[target(USER1), target(USER2)], requested_modalities=[Modality.Audio],
            media_config=ServiceHostedMediaConfig(), subject="Group call")))
        assert group.state == CallState.Establishing
        await calls.by_call_id(group.id).delete()

        phone = parsed(await calls.post(Call(
            callback_uri=callback, requested_modalities=[Modality.Audio], media_config=ServiceHostedMediaConfig(),
            source=ParticipantInfo(identity=CommunicationsIdentitySet(application_instance=Identity(id=INSTANCE))),
            targets=[InvitationParticipantInfo(identity=CommunicationsIdentitySet(phone=Identity(id="+12345678901")))],
            tenant_id=TENANT,
        )))
        assert phone.targets[0].identity.phone.id == "+12345678901"
        assert phone.source.identity.application_instance.id == INSTANCE
        await calls.by_call_id(phone.id).delete()

        await calls.log_teleconference_device_quality.post(LogTeleconferenceDeviceQualityPostRequestBody(
            quality=TeleconferenceDeviceQuality(call_chain_id=uuid.uuid4(), media_leg_id="d6f3b6a4-6a53-4ba1-bb0d-2e5ab4d3d6e0", device_name="Room")))
    run(go())



def incoming_call(callback, caller=JOHN):
    """Someone calls the bot (the control API); returns the call id the bot sees."""
    response = httpx.post(f"{BASE}/_switchboard/incoming-calls", json={
        "from": {"user": {"id": caller}}, "to": {"application": {"id": APP_ID}}, "callbackUri": callback,
    })
    assert response.status_code == 201, response.text
    return response.json()["id"]


def test_incoming_calls_are_answered_rejected_and_redirected(callback):
    async def go():
        calls = client().communications.calls
        answered = incoming_call(callback)
        call = parsed(await calls.by_call_id(answered).get())
        assert call.state == CallState.Incoming and call.source.identity.user.id == JOHN
        await calls.by_call_id(answered).answer.post(AnswerPostRequestBody(
            callback_uri=callback, accepted_modalities=[Modality.Audio], media_config=ServiceHostedMediaConfig()))
        await established(calls, answered)
        httpx.post(f"{BASE}/_switchboard/calls/{answered}/far-end", json={"action": "hangUp"}).raise_for_status()

        rejected = incoming_call(callback)
        await calls.by_call_id(rejected).reject.post(RejectPostRequestBody(reason=RejectReason.Busy))
        redirected = incoming_call(callback)
        await calls.by_call_id(redirected).redirect.post(RedirectPostRequestBody(targets=[target(USER1)], timeout=20))
        for ended in (answered, rejected):
            try:
                await calls.by_call_id(ended).get()
                raise AssertionError(f"call {ended} is still there")
            except AssertionError:
                raise
            except Exception:
                pass
    run(go())


def test_the_leftover_check_sees_what_the_sdk_did_not_model():
    from kiota_serialization_json.json_parse_node_factory import JsonParseNodeFactory
    node = JsonParseNodeFactory().get_root_parse_node(
        "application/json", b'{"id": "x", "source": {"identity": {"user": {"id": "u", "shoeSize": 44}}}, "mood": "fine"}')
    call = node.get_object_value(Call)
    assert leftovers(call) == [("$", ["mood"]), ("$.source.identity.user", ["shoeSize"])]


def test_the_control_api_document_is_valid_openapi():
    from openapi_spec_validator import validate
    document = httpx.get(f"{BASE}/_switchboard/openapi.json").json()
    assert document["openapi"] == "3.1.0"
    validate(document)


def raw_http(request):
    """Sends bytes as they are, returns (status, content type, parsed body)."""
    import json
    import socket
    from urllib.parse import urlparse
    address = urlparse(BASE)
    with socket.create_connection((address.hostname, address.port), timeout=5) as connection:
        try:
            connection.sendall(request)
        except OSError:
            pass  # the server may answer and close before reading it all (431)
        data = b""
        while True:
            try:
                chunk = connection.recv(65536)
            except ConnectionResetError:
                break
            if not chunk:
                break
            data += chunk
            head, _, rest = data.partition(b"\r\n\r\n")
            length = next((int(line.split(b":", 1)[1]) for line in head.split(b"\r\n") if line.lower().startswith(b"content-length:")), None)
            if length is not None and len(rest) >= length:
                break  # a whole answer (the server may keep the connection for the declared body)
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.split(b"\r\n")
    status = int(lines[0].split()[1])
    content_type = next((line.split(b":", 1)[1].strip() for line in lines if line.lower().startswith(b"content-type:")), b"")
    return status, content_type, json.loads(body)


@pytest.mark.parametrize("request_bytes,status", [
    (b"GET /v1.0/communications/calls/a\x00b HTTP/1.1\r\nHost: x\r\n\r\n", 400),
    (b"GET /_switchboard/health HTTP/1.1\r\nHost: x\r\nX-A: a\x00b\r\n\r\n", 400),
    (b"POST /v1.0/communications/calls HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n", 400),
    (b"POST /_switchboard/incoming-calls HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999999\r\n\r\n", 413),
    (b"GET /_switchboard/health HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 200000 + b"\r\n\r\n", 431),
    (b"FROB /v1.0/communications/calls HTTP/1.1\r\nHost: x\r\n\r\n", 405),
    (b"POST /_switchboard/incoming-calls HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n0\r\n\r\n", 400),
    (b"POST /v1.0/communications/calls HTTP/1.1\r\nHost: x\r\n\r\n", 411),
    (b"GET /v1.0/communications/calls/" + b"a" * 5000 + b" HTTP/1.1\r\nHost: x\r\n\r\n", 414),
    # Authorised, so the body's type is what is wrong.
    (lambda: b"POST /v1.0/communications/calls HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + SwitchboardTokens().token.encode()
     + b"\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n\r\n{}", 415),
])
def test_malformed_http_gets_a_graph_error(request_bytes, status):
    got, content_type, body = raw_http(request_bytes() if callable(request_bytes) else request_bytes)
    assert got == status
    assert content_type == b"application/json"
    assert body["error"]["code"] and body["error"]["message"]


def test_every_control_call_over_a_real_socket(callback):
    """The control API as a bot's test suite uses it, over HTTP (run last: it resets)."""
    control = f"{BASE}/_switchboard"
    assert httpx.get(f"{control}/health").json() == {"status": "ok"}
    assert httpx.get(f"{control}/clock").json()["mode"] == "real"
    assert httpx.post(f"{control}/clock/advance", json={"seconds": 1}).status_code == 409

    meetings = httpx.get(f"{control}/meetings").json()["value"]
    assert meetings[0]["id"] == "seed-meeting"
    added = httpx.post(f"{control}/meetings/seed-meeting/attendees", json={"user": {"id": USER1}})
    assert added.status_code == 201, added.text
    assert httpx.delete(f"{control}/meetings/seed-meeting/attendees/{USER1}").status_code == 204

    async def go():
        calls = client().communications.calls
        # +12065550103 never answers by itself: the control API picks up for it.
        created = parsed(await calls.post(Call(
            callback_uri=callback, requested_modalities=[Modality.Audio], media_config=ServiceHostedMediaConfig(),
            source=ParticipantInfo(identity=CommunicationsIdentitySet(application_instance=Identity(id=INSTANCE))),
            targets=[InvitationParticipantInfo(identity=CommunicationsIdentitySet(phone=Identity(id="+12065550103")))],
        )))
        assert httpx.post(f"{control}/calls/{created.id}/far-end", json={"action": "answer"}).status_code == 204
        await established(calls, created.id)
        return created.id
    call_id = run(go())
    journal = httpx.get(f"{control}/calls/{call_id}/notifications").json()["value"]
    assert journal[0]["body"]["value"][0]["resourceData"]["state"] == "establishing"

    snapshot = httpx.get(f"{control}/snapshot")
    assert snapshot.status_code == 200
    assert httpx.post(f"{control}/reset").status_code == 204
    assert httpx.get(f"{control}/snapshot").json()["calls"] == []
    assert httpx.put(f"{control}/snapshot", content=snapshot.content).status_code == 204
    restored = httpx.get(f"{control}/snapshot").json()
    assert [call["id"] for call in restored["calls"]] == [call["id"] for call in snapshot.json()["calls"]]
    assert httpx.post(f"{control}/reset").status_code == 204
