namespace Ott.Api.Events;

/// <summary>
/// Stands for the event's JSON body in the OpenAPI document (<c>Accepts&lt;EventRequest&gt;</c>). It has no members:
/// <see cref="EventSchemaTransformer"/> writes its schema from <see cref="Ott.Grains.Interfaces.EventWire.Fields"/>,
/// and <see cref="EventValidator"/> reads the body field by field.
/// </summary>
public sealed class EventRequest;
