function Get-KonnektItemVersion {
    <#
    .SYNOPSIS
    Lists the version history of a file in SharePoint.
    .DESCRIPTION
    Calls item.versions. Each Konnekt.ItemVersion carries the file's Path, so a version can be
    piped to Restore-KonnektItemVersion.
    .PARAMETER Path
    Local path or namespace path of the file. Accepts pipeline input.
    .EXAMPLE
    Get-KonnektItemVersion -Path ~/Marketing/Plan.docx

    Lists the versions of Plan.docx.
    .EXAMPLE
    Get-KonnektItemVersion ~/Marketing/Plan.docx | Where-Object Label -eq '3.0' | Restore-KonnektItemVersion

    Makes version 3.0 the current version again.
    .INPUTS
    System.String, System.IO.FileInfo, or objects with a Path property.
    .OUTPUTS
    Konnekt.ItemVersion
    .LINK
    Restore-KonnektItemVersion
    #>
    [CmdletBinding()]
    [OutputType('Konnekt.ItemVersion')]
    param(
        [Parameter(Mandatory, Position = 0, ValueFromPipeline, ValueFromPipelineByPropertyName)]
        [Alias('FullName')]
        [ValidateNotNullOrEmpty()]
        [string]$Path
    )
    process {
        $itemPath = Resolve-KonnektItemPath -Cmdlet $PSCmdlet -Path $Path
        try {
            $result = Invoke-KonnektRpc -Method 'item.versions' -Params @{ path = $itemPath } -TimeoutSeconds 60
        } catch {
            $PSCmdlet.WriteError((ConvertTo-KonnektErrorRecord -ErrorRecord $_ -TargetObject $Path))
            return
        }
        foreach ($version in @($result.versions)) {
            if ($null -eq $version) { continue }
            ConvertTo-KonnektObject -InputObject $version -TypeName 'Konnekt.ItemVersion' -Extra ([ordered]@{ Path = $itemPath })
        }
    }
}
