/**
 * @module upstream/routes/message-schemas
 * Bodies of the /message/* routes as v2 declares them. They live in common/src/evolution/request-bodies
 * because the gateway's OpenAPI document shows these same schemas (the two services share no code
 * otherwise); the routes here validate with them.
 */
export {
  NumberField, SendAudioBody, SendButtonsBody, SendContactBody, SendListBody, SendLocationBody, SendMediaBody, SendPollBody,
  SendReactionBody, SendTemplateBody, SendTextBody,
} from '../../../common/src/evolution/request-bodies.js'
