# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_warroom_global_optspecs
    string join \n demo read-only follow= config= keymap= journal= theme= speed= scenario= profile= region= endpoint-url= list-actions h/help V/version
end

function __fish_warroom_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_warroom_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_warroom_using_subcommand
    set -l cmd (__fish_warroom_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c warroom -n "__fish_warroom_needs_command" -l follow -d 'Follow an operating dashboard\'s view from the config\'s [journal] follow_bucket instead of polling AWS (read-only; NAME is operator@host, default the latest to publish)' -r
complete -c warroom -n "__fish_warroom_needs_command" -l config -d 'Config file [default: warroom.toml in $XDG_CONFIG_HOME/warroom or ~/.config/warroom]' -r -F
complete -c warroom -n "__fish_warroom_needs_command" -l keymap -d 'Keymap overriding the defaults key by key [default: keymap.toml in the config directory]' -r -F
complete -c warroom -n "__fish_warroom_needs_command" -l journal -d 'Journal of operations and notes, JSON Lines [default: $XDG_STATE_HOME/warroom/journal.jsonl]' -r -F
complete -c warroom -n "__fish_warroom_needs_command" -l theme -d 'Colours: default, high-contrast or mono [default: `[theme] name` in the config, else default]' -r -f -a "default\t'Colours for meaning (red breach, green healthy, yellow stale), none that a common palette hides'
high-contrast\t'Text only in the terminal\'s own foreground, meaning carried by bold and reverse video: the contrast the user chose for their shell'
mono\t'No colour at all; a breach is reverse video'"
complete -c warroom -n "__fish_warroom_needs_command" -l speed -d 'Simulated seconds per real second in --demo [default: 10]' -r
complete -c warroom -n "__fish_warroom_needs_command" -l scenario -d 'Scenario file for --demo [default: the built-in orders incident, scenarios/orders-incident.toml]' -r -F
complete -c warroom -n "__fish_warroom_needs_command" -l profile -d 'AWS profile (default: AWS_PROFILE, then the default chain); a,b watches several in one view' -r
complete -c warroom -n "__fish_warroom_needs_command" -l region -d 'AWS region (default: AWS_REGION, then the profile\'s region); x,y watches several (each profile in each)' -r
complete -c warroom -n "__fish_warroom_needs_command" -l endpoint-url -d 'Send every AWS call to this endpoint, e.g. an emulator (AWS_ENDPOINT_URL works too)' -r
complete -c warroom -n "__fish_warroom_needs_command" -l demo -d 'Run the built-in simulated incident: no AWS account or network needed'
complete -c warroom -n "__fish_warroom_needs_command" -l read-only -d 'Observe only: no operator is constructed; operation keys open a preview that cannot be confirmed'
complete -c warroom -n "__fish_warroom_needs_command" -l list-actions -d 'Print every action with its keys (your keymap merged over the defaults) and description, then exit'
complete -c warroom -n "__fish_warroom_needs_command" -s h -l help -d 'Print help'
complete -c warroom -n "__fish_warroom_needs_command" -s V -l version -d 'Print version'
complete -c warroom -n "__fish_warroom_needs_command" -f -a "snapshot" -d 'Poll once and print what the panes would show, for scripts and for checking a config before an incident. Exits 1 when a watched resource is missing or a call failed (warnings, such as no Performance Insights, do not count)'
complete -c warroom -n "__fish_warroom_needs_command" -f -a "export" -d 'Write a postmortem timeline (Markdown or JSON) from the journal and the metric and alarm history'
complete -c warroom -n "__fish_warroom_needs_command" -f -a "annotate" -d 'Mark a deploy, migration or note in the journal, e.g. from a CI/CD pipeline'
complete -c warroom -n "__fish_warroom_needs_command" -f -a "doctor" -d 'Check, before an incident, that warroom will work here: credentials, region, resources, permissions, the war room, the journal and the terminal. Exits 1 when a check failed'
complete -c warroom -n "__fish_warroom_needs_command" -f -a "completions" -d 'Print a shell completion script for bash, zsh or fish'
complete -c warroom -n "__fish_warroom_needs_command" -f -a "man" -d 'Print the manual page (roff)'
complete -c warroom -n "__fish_warroom_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c warroom -n "__fish_warroom_using_subcommand snapshot" -l config -d 'Config file [default: warroom.toml in $XDG_CONFIG_HOME/warroom or ~/.config/warroom]' -r -F
complete -c warroom -n "__fish_warroom_using_subcommand snapshot" -l journal -d 'Journal of operations and notes, JSON Lines [default: $XDG_STATE_HOME/warroom/journal.jsonl]' -r -F
complete -c warroom -n "__fish_warroom_using_subcommand snapshot" -l scenario -d 'Scenario file for --demo [default: the built-in orders incident, scenarios/orders-incident.toml]' -r -F
complete -c warroom -n "__fish_warroom_using_subcommand snapshot" -l profile -d 'AWS profile (default: AWS_PROFILE, then the default chain); a,b watches several in one view' -r
complete -c warroom -n "__fish_warroom_using_subcommand snapshot" -l region -d 'AWS region (default: AWS_REGION, then the profile\'s region); x,y watches several (each profile in each)' -r
complete -c warroom -n "__fish_warroom_using_subcommand snapshot" -l endpoint-url -d 'Send every AWS call to this endpoint, e.g. an emulator (AWS_ENDPOINT_URL works too)' -r
complete -c warroom -n "__fish_warroom_using_subcommand snapshot" -l json -d 'Print JSON instead of text'
complete -c warroom -n "__fish_warroom_using_subcommand snapshot" -l demo -d 'Run the built-in simulated incident: no AWS account or network needed'
complete -c warroom -n "__fish_warroom_using_subcommand snapshot" -s h -l help -d 'Print help'
complete -c warroom -n "__fish_warroom_using_subcommand export" -l since -d 'Start of the window: RFC 3339, "YYYY-MM-DD HH:MM" or "HH:MM" (UTC, the day of --until) [default: half an hour before the first change or journal line]' -r
complete -c warroom -n "__fish_warroom_using_subcommand export" -l until -d 'End of the window, same forms [default: now; in --demo, ten minutes after the last journal line]' -r
complete -c warroom -n "__fish_warroom_using_subcommand export" -l format -d 'Markdown (md) or JSON' -r -f -a "md\t'Markdown, ready to paste into a postmortem document'
json\t'The same content as JSON, for tools'"
complete -c warroom -n "__fish_warroom_using_subcommand export" -l out -d 'Write to this file and say where, instead of printing' -r -F
complete -c warroom -n "__fish_warroom_using_subcommand export" -l config -d 'Config file [default: warroom.toml in $XDG_CONFIG_HOME/warroom or ~/.config/warroom]' -r -F
complete -c warroom -n "__fish_warroom_using_subcommand export" -l journal -d 'Journal of operations and notes, JSON Lines [default: $XDG_STATE_HOME/warroom/journal.jsonl]' -r -F
complete -c warroom -n "__fish_warroom_using_subcommand export" -l scenario -d 'Scenario file for --demo [default: the built-in orders incident, scenarios/orders-incident.toml]' -r -F
complete -c warroom -n "__fish_warroom_using_subcommand export" -l profile -d 'AWS profile (default: AWS_PROFILE, then the default chain); a,b watches several in one view' -r
complete -c warroom -n "__fish_warroom_using_subcommand export" -l region -d 'AWS region (default: AWS_REGION, then the profile\'s region); x,y watches several (each profile in each)' -r
complete -c warroom -n "__fish_warroom_using_subcommand export" -l endpoint-url -d 'Send every AWS call to this endpoint, e.g. an emulator (AWS_ENDPOINT_URL works too)' -r
complete -c warroom -n "__fish_warroom_using_subcommand export" -l demo -d 'Run the built-in simulated incident: no AWS account or network needed'
complete -c warroom -n "__fish_warroom_using_subcommand export" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c warroom -n "__fish_warroom_using_subcommand annotate" -l kind -d 'What it marks' -r -f -a "deploy\t'A deploy the alias history does not show (another service, a config push)'
migration\t'A schema or data migration'
note\t'Anything else worth knowing'"
complete -c warroom -n "__fish_warroom_using_subcommand annotate" -l resource -d 'The resource it concerns (a function, queue or database), so it can be ranked as upstream' -r
complete -c warroom -n "__fish_warroom_using_subcommand annotate" -l config -d 'Config file [default: warroom.toml in $XDG_CONFIG_HOME/warroom or ~/.config/warroom]' -r -F
complete -c warroom -n "__fish_warroom_using_subcommand annotate" -l journal -d 'Journal of operations and notes, JSON Lines [default: $XDG_STATE_HOME/warroom/journal.jsonl]' -r -F
complete -c warroom -n "__fish_warroom_using_subcommand annotate" -l scenario -d 'Scenario file for --demo [default: the built-in orders incident, scenarios/orders-incident.toml]' -r -F
complete -c warroom -n "__fish_warroom_using_subcommand annotate" -l profile -d 'AWS profile (default: AWS_PROFILE, then the default chain); a,b watches several in one view' -r
complete -c warroom -n "__fish_warroom_using_subcommand annotate" -l region -d 'AWS region (default: AWS_REGION, then the profile\'s region); x,y watches several (each profile in each)' -r
complete -c warroom -n "__fish_warroom_using_subcommand annotate" -l endpoint-url -d 'Send every AWS call to this endpoint, e.g. an emulator (AWS_ENDPOINT_URL works too)' -r
complete -c warroom -n "__fish_warroom_using_subcommand annotate" -l demo -d 'Run the built-in simulated incident: no AWS account or network needed'
complete -c warroom -n "__fish_warroom_using_subcommand annotate" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c warroom -n "__fish_warroom_using_subcommand doctor" -l config -d 'Config file [default: warroom.toml in $XDG_CONFIG_HOME/warroom or ~/.config/warroom]' -r -F
complete -c warroom -n "__fish_warroom_using_subcommand doctor" -l journal -d 'Journal of operations and notes, JSON Lines [default: $XDG_STATE_HOME/warroom/journal.jsonl]' -r -F
complete -c warroom -n "__fish_warroom_using_subcommand doctor" -l scenario -d 'Scenario file for --demo [default: the built-in orders incident, scenarios/orders-incident.toml]' -r -F
complete -c warroom -n "__fish_warroom_using_subcommand doctor" -l profile -d 'AWS profile (default: AWS_PROFILE, then the default chain); a,b watches several in one view' -r
complete -c warroom -n "__fish_warroom_using_subcommand doctor" -l region -d 'AWS region (default: AWS_REGION, then the profile\'s region); x,y watches several (each profile in each)' -r
complete -c warroom -n "__fish_warroom_using_subcommand doctor" -l endpoint-url -d 'Send every AWS call to this endpoint, e.g. an emulator (AWS_ENDPOINT_URL works too)' -r
complete -c warroom -n "__fish_warroom_using_subcommand doctor" -l read-only -d 'Observe only: the operator\'s calls are not needed'
complete -c warroom -n "__fish_warroom_using_subcommand doctor" -l demo -d 'Run the built-in simulated incident: no AWS account or network needed'
complete -c warroom -n "__fish_warroom_using_subcommand doctor" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c warroom -n "__fish_warroom_using_subcommand completions" -l config -d 'Config file [default: warroom.toml in $XDG_CONFIG_HOME/warroom or ~/.config/warroom]' -r -F
complete -c warroom -n "__fish_warroom_using_subcommand completions" -l journal -d 'Journal of operations and notes, JSON Lines [default: $XDG_STATE_HOME/warroom/journal.jsonl]' -r -F
complete -c warroom -n "__fish_warroom_using_subcommand completions" -l scenario -d 'Scenario file for --demo [default: the built-in orders incident, scenarios/orders-incident.toml]' -r -F
complete -c warroom -n "__fish_warroom_using_subcommand completions" -l profile -d 'AWS profile (default: AWS_PROFILE, then the default chain); a,b watches several in one view' -r
complete -c warroom -n "__fish_warroom_using_subcommand completions" -l region -d 'AWS region (default: AWS_REGION, then the profile\'s region); x,y watches several (each profile in each)' -r
complete -c warroom -n "__fish_warroom_using_subcommand completions" -l endpoint-url -d 'Send every AWS call to this endpoint, e.g. an emulator (AWS_ENDPOINT_URL works too)' -r
complete -c warroom -n "__fish_warroom_using_subcommand completions" -l demo -d 'Run the built-in simulated incident: no AWS account or network needed'
complete -c warroom -n "__fish_warroom_using_subcommand completions" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c warroom -n "__fish_warroom_using_subcommand man" -l config -d 'Config file [default: warroom.toml in $XDG_CONFIG_HOME/warroom or ~/.config/warroom]' -r -F
complete -c warroom -n "__fish_warroom_using_subcommand man" -l journal -d 'Journal of operations and notes, JSON Lines [default: $XDG_STATE_HOME/warroom/journal.jsonl]' -r -F
complete -c warroom -n "__fish_warroom_using_subcommand man" -l scenario -d 'Scenario file for --demo [default: the built-in orders incident, scenarios/orders-incident.toml]' -r -F
complete -c warroom -n "__fish_warroom_using_subcommand man" -l profile -d 'AWS profile (default: AWS_PROFILE, then the default chain); a,b watches several in one view' -r
complete -c warroom -n "__fish_warroom_using_subcommand man" -l region -d 'AWS region (default: AWS_REGION, then the profile\'s region); x,y watches several (each profile in each)' -r
complete -c warroom -n "__fish_warroom_using_subcommand man" -l endpoint-url -d 'Send every AWS call to this endpoint, e.g. an emulator (AWS_ENDPOINT_URL works too)' -r
complete -c warroom -n "__fish_warroom_using_subcommand man" -l demo -d 'Run the built-in simulated incident: no AWS account or network needed'
complete -c warroom -n "__fish_warroom_using_subcommand man" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c warroom -n "__fish_warroom_using_subcommand help; and not __fish_seen_subcommand_from snapshot export annotate doctor completions man help" -f -a "snapshot" -d 'Poll once and print what the panes would show, for scripts and for checking a config before an incident. Exits 1 when a watched resource is missing or a call failed (warnings, such as no Performance Insights, do not count)'
complete -c warroom -n "__fish_warroom_using_subcommand help; and not __fish_seen_subcommand_from snapshot export annotate doctor completions man help" -f -a "export" -d 'Write a postmortem timeline (Markdown or JSON) from the journal and the metric and alarm history'
complete -c warroom -n "__fish_warroom_using_subcommand help; and not __fish_seen_subcommand_from snapshot export annotate doctor completions man help" -f -a "annotate" -d 'Mark a deploy, migration or note in the journal, e.g. from a CI/CD pipeline'
complete -c warroom -n "__fish_warroom_using_subcommand help; and not __fish_seen_subcommand_from snapshot export annotate doctor completions man help" -f -a "doctor" -d 'Check, before an incident, that warroom will work here: credentials, region, resources, permissions, the war room, the journal and the terminal. Exits 1 when a check failed'
complete -c warroom -n "__fish_warroom_using_subcommand help; and not __fish_seen_subcommand_from snapshot export annotate doctor completions man help" -f -a "completions" -d 'Print a shell completion script for bash, zsh or fish'
complete -c warroom -n "__fish_warroom_using_subcommand help; and not __fish_seen_subcommand_from snapshot export annotate doctor completions man help" -f -a "man" -d 'Print the manual page (roff)'
complete -c warroom -n "__fish_warroom_using_subcommand help; and not __fish_seen_subcommand_from snapshot export annotate doctor completions man help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
