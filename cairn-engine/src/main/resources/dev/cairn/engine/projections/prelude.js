// The language of KurrentDB's user projections, evaluated in a projection's own context before its
// query. The query calls the globals below to describe itself (fromAll().when({...}).outputState());
// Java then drives the returned object, one event at a time. States live here, as JavaScript values,
// so that handlers mutate them in place; Java sees them as JSON only when it writes a checkpoint.
(function (global, hostLog) {
    const def = {
        source: null, streams: [], categories: [],
        handlers: Object.create(null), any: null, init: null, initShared: null, deleted: null, created: [],
        biState: false,
        byStream: false, partitionFn: null,
        outputState: false, transforms: [], resultStream: null, partitionResultPattern: null,
        includeLinks: false
    };
    let emitted = [];
    const states = new Map();
    const dirty = new Set();
    // bi-state projections: one state shared by all partitions besides each partition's own
    let shared = undefined;

    function nonEmptyString(value, what) {
        if (typeof value !== 'string' || value.trim() === '') {
            throw new TypeError(what + ' must be a non-empty string');
        }
        return value;
    }

    function fn(value, what) {
        if (typeof value !== 'function') {
            throw new TypeError(what + ' expects a function');
        }
        return value;
    }

    function listOf(args, what) {
        const list = args.length === 1 && Array.isArray(args[0]) ? args[0] : Array.from(args);
        return list.map(s => nonEmptyString(s, what));
    }

    function addHandler(name, handler) {
        switch (name) {
            case '$init': def.init = handler; break;
            case '$initShared': def.initShared = handler; def.biState = true; break;
            case '$any': def.any = handler; break;
            case '$created': def.created.push(handler); break;
            case '$deleted': def.deleted = handler; break;
            default: def.handlers[name] = handler;
        }
    }

    const query = {
        when(handlers) {
            if (handlers !== undefined && handlers !== null) {
                for (const name of Object.keys(handlers)) {
                    if (typeof handlers[name] === 'function') {
                        addHandler(name, handlers[name]);
                    }
                }
            }
            return query;
        },
        foreachStream() { def.byStream = true; return query; },
        partitionBy(f) { def.partitionFn = fn(f, 'partitionBy'); return query; },
        outputState() { def.outputState = true; return query; },
        transformBy(f) { def.transforms.push({ transform: fn(f, 'transformBy') }); def.outputState = true; return query; },
        filterBy(f) { def.transforms.push({ filter: fn(f, 'filterBy') }); def.outputState = true; return query; },
        outputTo(resultStream, partitionResultStreamPattern) {
            def.resultStream = nonEmptyString(resultStream, 'resultStream');
            if (partitionResultStreamPattern !== undefined) {
                def.partitionResultPattern = nonEmptyString(partitionResultStreamPattern, 'partitionResultStreamPattern');
            }
            return query;
        },
        $defines_state_transform() { def.outputState = true; }
    };

    function from(kind) {
        if (def.source !== null && def.source !== kind) {
            throw new Error('a query reads one kind of source: ' + def.source + ' was already chosen');
        }
        def.source = kind;
        return query;
    }

    global.fromAll = function () { return from('all'); };
    global.fromStream = function (stream) { def.streams.push(nonEmptyString(stream, 'stream')); return from('streams'); };
    global.fromStreams = function () { def.streams.push(...listOf(arguments, 'stream')); return from('streams'); };
    global.fromCategory = function () { def.categories.push(...listOf(arguments, 'category')); return from('categories'); };
    global.fromCategories = global.fromCategory;
    global.on_any = function (handler) { addHandler('$any', fn(handler, 'on_any')); };
    global.on_event = function (name, handler) { addHandler(nonEmptyString(name, 'eventName'), fn(handler, 'on_event')); };
    // option names are not case-sensitive, as in KurrentDB
    global.options = function (options) {
        for (const name of Object.keys(options || {})) {
            const value = options[name];
            const invalid = () => new TypeError('Invalid value for option ' + name + ': ' + value);
            switch (name.toLowerCase()) {
                case 'resultstreamname':
                    if (typeof value !== 'string') { throw invalid(); }
                    def.resultStream = nonEmptyString(value, 'resultStreamName');
                    break;
                case '$includelinks':
                    if (typeof value !== 'boolean') { throw invalid(); }
                    def.includeLinks = value;
                    break;
                case 'bistate':
                    if (typeof value !== 'boolean') { throw invalid(); }
                    def.biState = value;
                    break;
                // Cairn reads $all in its order, so there is nothing to reorder or wait for
                case 'reorderevents':
                    if (typeof value !== 'boolean') { throw invalid(); }
                    break;
                case 'processinglag':
                    if (typeof value !== 'number') { throw invalid(); }
                    break;
                default: throw new Error('Unrecognized option: ' + name);
            }
        }
    };

    function metadataOf(metadata, what) {
        if (metadata === undefined || metadata === null) {
            return null;
        }
        if (typeof metadata !== 'object') {
            throw new TypeError(what + ': metadata must be an object');
        }
        const members = {};
        for (const key of Object.keys(metadata)) {
            if (metadata[key] !== undefined) {
                members[key] = JSON.stringify(metadata[key]);
            }
        }
        return members;
    }

    global.emit = function (streamId, eventType, body, metadata) {
        nonEmptyString(streamId, 'streamId');
        nonEmptyString(eventType, 'eventName');
        if (body === null || typeof body !== 'object') {
            throw new TypeError('emit: the event body must be an object');
        }
        emitted.push({ stream: streamId, type: eventType, data: JSON.stringify(body), json: true,
            metadata: metadataOf(metadata, 'emit') });
    };
    global.linkTo = function (streamId, event, metadata) {
        nonEmptyString(streamId, 'streamId');
        if (event === null || typeof event !== 'object' || typeof event.sequenceNumber !== 'number'
            || typeof event.streamId !== 'string') {
            throw new TypeError('linkTo: invalid link to event ' + (event && event.sequenceNumber) + '@' + (event && event.streamId));
        }
        emitted.push({ stream: streamId, type: '$>', data: event.sequenceNumber + '@' + event.streamId, json: false,
            metadata: metadataOf(metadata, 'linkTo') });
    };
    global.linkStreamTo = function (streamId, linkedStreamId, metadata) {
        nonEmptyString(streamId, 'streamId');
        nonEmptyString(linkedStreamId, 'linkedStreamId');
        emitted.push({ stream: streamId, type: '$@', data: linkedStreamId, json: false,
            metadata: metadataOf(metadata, 'linkStreamTo') });
    };
    // KurrentDB accepts copyTo and does nothing with it
    global.copyTo = function () {};
    global.log = function (message) {
        hostLog(typeof message === 'string' ? message : JSON.stringify(message));
    };

    function parse(raw) {
        if (raw === null || raw === '') {
            return undefined;
        }
        try {
            return JSON.parse(raw);
        } catch (notJson) {
            return undefined;
        }
    }

    function orNull(value) {
        return value === undefined ? null : value;
    }

    function stateAfter(handler, state, args) {
        const next = handler.apply(null, args);
        return next === undefined ? state : next;
    }

    return {
        definition: def,

        /** The event as handlers see it; null for a JSON event whose data does not parse (skipped). */
        envelope(partition, streamId, sequenceNumber, eventType, eventId, isJson, bodyRaw, metadataRaw,
                 linkMetadataRaw, category) {
            const body = isJson ? parse(bodyRaw) : undefined;
            if (isJson && body === undefined) {
                return null;
            }
            return {
                partition: partition, bodyRaw: bodyRaw, metadataRaw: metadataRaw, streamId: streamId,
                eventId: eventId, eventType: eventType, linkMetadataRaw: linkMetadataRaw, isJson: isJson,
                category: category, sequenceNumber: sequenceNumber, body: orNull(body), data: orNull(body),
                metadata: orNull(parse(metadataRaw)), linkMetadata: orNull(parse(linkMetadataRaw))
            };
        },

        /** partitionBy's answer as a string, or null when it gave none (the event is skipped). */
        partitionOf(event) {
            const p = def.partitionFn(event);
            return typeof p === 'string' ? p : typeof p === 'number' ? String(p) : null;
        },

        isLoaded(partition) { return states.has(partition); },
        load(partition, json) { states.set(partition, JSON.parse(json)); },
        init(partition, event) {
            const state = def.init ? def.init() : {};
            states.set(partition, state);
            if (event !== null) {
                for (const created of def.created) {
                    created(state, event);
                }
            }
            dirty.add(partition);
        },

        handle(partition, event) {
            const handler = def.handlers[event.eventType] || def.any;
            if (def.biState) {
                // handlers see [partition state, shared state] and may return a new pair
                const pair = [states.get(partition), shared];
                const next = handler ? handler(pair, event) : undefined;
                const result = Array.isArray(next) ? next : pair;
                states.set(partition, result[0]);
                shared = result[1];
                dirty.add(partition);
                return;
            }
            const state = states.get(partition);
            const next = handler ? stateAfter(handler, state, [state, event])
                : (event.isJson ? event.body : event.bodyRaw);
            states.set(partition, next === undefined ? state : next);
            dirty.add(partition);
        },

        initShared() { shared = def.initShared ? def.initShared() : {}; },
        loadShared(json) { shared = JSON.parse(json); },
        sharedJson() { return shared === undefined || shared === null ? null : JSON.stringify(shared); },

        deleted(partition, isSoftDelete) {
            const state = states.get(partition);
            states.set(partition, stateAfter(def.deleted, state, [state, null, partition, isSoftDelete]));
            dirty.add(partition);
        },

        dirtyPartitions() { return Array.from(dirty); },
        stateJson(partition) {
            const state = states.get(partition);
            return state === undefined || state === null ? null : JSON.stringify(state);
        },
        resultJson(partition) {
            let state = def.biState ? [states.get(partition), shared] : states.get(partition);
            for (const step of def.transforms) {
                if (step.transform) {
                    state = step.transform(state);
                } else if (step.filter(state) !== true) {
                    return null;
                }
                if (state === undefined || state === null) {
                    return null;
                }
            }
            return state === undefined || state === null ? null : JSON.stringify(state);
        },
        written() { dirty.clear(); },
        evict() {
            for (const partition of Array.from(states.keys())) {
                if (partition !== '' && !dirty.has(partition)) {
                    states.delete(partition);
                }
            }
        },
        loadedCount() { return states.size; },
        takeEmitted() { const out = emitted; emitted = []; return out; },
        clear() { states.clear(); dirty.clear(); emitted = []; shared = undefined; }
    };
})
